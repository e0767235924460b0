package io.graphpaint.storage;

import okhttp3.OkHttpClient;
import okhttp3.Protocol;

import javax.net.SocketFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Builds the OkHttp client the MinIO SDK talks through. */
public final class HttpClients {

    private HttpClients() {
    }

    /**
     * An HTTP/1.1 client with the config's timeouts, {@code TCP_NODELAY} sockets (unless
     * {@link ObjectStoreConfig#tcpNoDelay()} is false) and, when configured, a trust store made of
     * the given PEM certificates.
     */
    public static OkHttpClient forConfig(ObjectStoreConfig config) {
        OkHttpClient.Builder builder = new OkHttpClient.Builder()
                .connectTimeout(config.timeouts().connect().toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(config.timeouts().read().toMillis(), TimeUnit.MILLISECONDS)
                .writeTimeout(config.timeouts().write().toMillis(), TimeUnit.MILLISECONDS)
                // the SDK's own client is HTTP/1.1 only; S3 servers speak little else
                .protocols(List.of(Protocol.HTTP_1_1));
        if (config.tcpNoDelay()) {
            builder.socketFactory(new NoDelaySocketFactory(SocketFactory.getDefault()));
        }
        if (config.trustedCertificates().isPresent()) {
            X509TrustManager trustManager = trustManagerFor(config.trustedCertificates().get());
            try {
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(null, new TrustManager[] {trustManager}, null);
                builder.sslSocketFactory(context.getSocketFactory(), trustManager);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("Cannot set up TLS with the certificates in "
                        + config.trustedCertificates().get() + ": " + e.getMessage(), e);
            }
        }
        return builder.build();
    }

    /** A trust manager that trusts exactly the CA certificates in a PEM (or DER) file. */
    static X509TrustManager trustManagerFor(Path certificatesFile) {
        try (InputStream in = Files.newInputStream(certificatesFile)) {
            Collection<? extends Certificate> certificates =
                    CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new IllegalArgumentException("Invalid trustedCertificates " + certificatesFile
                        + ": the file holds no X.509 certificate");
            }
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate certificate : certificates) {
                store.setCertificateEntry("graphpaint-ca-" + i++, certificate);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509TrustManager x509) {
                    return x509;
                }
            }
            throw new IllegalStateException("The JVM offers no X509TrustManager");
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("Invalid trustedCertificates " + certificatesFile
                    + ": cannot read X.509 certificates (" + e.getMessage() + ")", e);
        }
    }
}
