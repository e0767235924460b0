package io.graphpaint.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.net.SocketTimeoutException;

import javax.net.ssl.SSLHandshakeException;

import io.minio.errors.ErrorResponseException;
import io.minio.errors.ServerException;
import io.minio.messages.ErrorResponse;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

class StorageExceptionTest {

    private static ErrorResponseException answered(int status, String code) {
        Request request = new Request.Builder().url("http://127.0.0.1:9000/bkt/key").build();
        Response response = new Response.Builder().request(request).protocol(Protocol.HTTP_1_1)
                .code(status).message("status " + status).build();
        return new ErrorResponseException(
                new ErrorResponse(code, "server says " + code, "bkt", "key", "/bkt/key", "req", "host"), response, null);
    }

    @Test
    void serverErrorsAndThrottlingAreRetriable() {
        for (int status : new int[] {500, 502, 503, 504, 429}) {
            StorageException e = StorageException.wrap("put", "bkt", "key", answered(status, "InternalError"));
            assertThat(e.isRetriable()).as("HTTP %d", status).isTrue();
            assertThat(e.httpStatus()).isEqualTo(status);
        }
        assertThat(StorageException.wrap("put", "bkt", "key", answered(503, "SlowDown")).getMessage())
                .isEqualTo("put failed for bucket 'bkt', key 'key': HTTP 503 SlowDown: server says SlowDown [retriable]");
        assertThat(StorageException.wrap("get", "bkt", "key", new ServerException("bad gateway", 502, null))
                .isRetriable()).isTrue();
    }

    @Test
    void clientErrorsAreNotRetriable() {
        StorageException denied = StorageException.wrap("get", "bkt", "key", answered(403, "SignatureDoesNotMatch"));
        assertThat(denied.isRetriable()).isFalse();
        assertThat(denied.isNotFound()).isFalse();
        assertThat(denied.errorCode()).contains("SignatureDoesNotMatch");
        assertThat(denied.getMessage()).contains("bucket 'bkt'").contains("check the access key, the secret key");

        StorageException missing = StorageException.wrap("get", "bkt", "key", answered(404, "NoSuchKey"));
        assertThat(missing.isRetriable()).isFalse();
        assertThat(missing.isNotFound()).isTrue();
        assertThat(StorageException.wrap("put", "bkt", "key", answered(400, "InvalidArgument")).isRetriable()).isFalse();
    }

    @Test
    void networkFailuresAreRetriableButUntrustedCertificatesAreNot() {
        StorageException refused = StorageException.wrap("makeBucket", "bkt", null, new ConnectException("Connection refused"));
        assertThat(refused.isRetriable()).isTrue();
        assertThat(refused.key()).isEmpty();
        assertThat(refused.getMessage())
                .isEqualTo("makeBucket failed for bucket 'bkt': cannot connect to the object store: Connection refused [retriable]");
        assertThat(StorageException.wrap("get", "bkt", "key", new SocketTimeoutException("read timed out")).isRetriable()).isTrue();
        StorageException tls = StorageException.wrap("get", "bkt", "key", new SSLHandshakeException("PKIX path building failed"));
        assertThat(tls.isRetriable()).isFalse();
        assertThat(tls.getMessage()).contains("trustedCertificates");
    }
}
