package io.graphpaint.storage;

import io.minio.errors.ErrorResponseException;
import io.minio.errors.InsufficientDataException;
import io.minio.errors.InvalidResponseException;
import io.minio.errors.ServerException;

import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A failed object store operation: says which operation on which bucket and key failed, the HTTP
 * status and S3 error code when the server answered, and whether trying again may help.
 *
 * <p>Retriable: the server could not be reached or timed out, it answered 5xx, 429 or an S3
 * throttling / internal error code, or the response body ended early. Not retriable: 4xx such as
 * 403 (credentials, signature, policy) and 404 (no such bucket or key), conflicts, bad requests,
 * and TLS handshakes with an untrusted certificate.
 */
public class StorageException extends RuntimeException {

    private static final Set<String> RETRIABLE_CODES = Set.of(
            "SlowDown", "InternalError", "ServiceUnavailable", "RequestTimeout", "RequestTimeTooSkewed",
            // AWS: another conditional write to the same key is in flight
            "ConditionalRequestConflict");

    private static final Set<String> CREDENTIAL_CODES = Set.of(
            "SignatureDoesNotMatch", "InvalidAccessKeyId", "AccessDenied", "InvalidToken", "ExpiredToken");

    /** How the SDK reports the status of a response that is not S3 XML. */
    private static final Pattern NON_XML_STATUS = Pattern.compile("Response code: (\\d{3})");

    private final String operation;
    private final String bucket;
    private final String key;
    private final int httpStatus;
    private final String errorCode;
    private final boolean retriable;

    public StorageException(String operation, String bucket, String key, int httpStatus, String errorCode,
                            boolean retriable, String detail, Throwable cause) {
        super(message(operation, bucket, key, httpStatus, errorCode, retriable, detail), cause);
        this.operation = operation;
        this.bucket = bucket;
        this.key = key;
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
        this.retriable = retriable;
    }

    /** The operation that failed, e.g. {@code put}, {@code get}, {@code makeBucket}. */
    public String operation() {
        return operation;
    }

    public String bucket() {
        return bucket;
    }

    /** The object key, empty for bucket-level operations. */
    public Optional<String> key() {
        return Optional.ofNullable(key);
    }

    /** The HTTP status the server answered with, or 0 when no answer arrived. */
    public int httpStatus() {
        return httpStatus;
    }

    /** The S3 error code ({@code NoSuchKey}, {@code SignatureDoesNotMatch}, ...), if the server sent one. */
    public Optional<String> errorCode() {
        return Optional.ofNullable(errorCode);
    }

    /** True when the same request may succeed later (unreachable server, timeout, 5xx, throttling). */
    public boolean isRetriable() {
        return retriable;
    }

    /** True when the bucket or object does not exist. */
    public boolean isNotFound() {
        return httpStatus == 404 || "NoSuchKey".equals(errorCode) || "NoSuchBucket".equals(errorCode);
    }

    /** Translates an exception thrown by the MinIO SDK (or its HTTP client) into a StorageException. */
    static StorageException wrap(String operation, String bucket, String key, Exception e) {
        if (e instanceof StorageException se) {
            return se;
        }
        if (e instanceof ErrorResponseException ere) {
            int status = ere.response() != null ? ere.response().code() : 0;
            String code = ere.errorResponse() != null ? ere.errorResponse().code() : null;
            String serverMessage = ere.errorResponse() != null ? ere.errorResponse().message() : null;
            boolean retriable = status >= 500 || status == 429 || status == 408
                    || (code != null && RETRIABLE_CODES.contains(code));
            String detail = serverMessage == null || serverMessage.isBlank() ? "" : serverMessage;
            if (code != null && CREDENTIAL_CODES.contains(code)) {
                detail = (detail.isEmpty() ? "" : detail + " ")
                        + "(check the access key, the secret key, the region and the bucket policy)";
            }
            return new StorageException(operation, bucket, key, status, code, retriable, detail, e);
        }
        if (e instanceof ServerException se) {
            int status = se.statusCode();
            return new StorageException(operation, bucket, key, status, null, status >= 500 || status == 429,
                    se.getMessage(), e);
        }
        if (e instanceof InvalidResponseException) {
            // a non-S3 answer, typically an HTML error page from a proxy or load balancer in front
            Matcher status = NON_XML_STATUS.matcher(String.valueOf(e.getMessage()));
            int code = status.find() ? Integer.parseInt(status.group(1)) : 0;
            return new StorageException(operation, bucket, key, code, null, code >= 500 || code == 429,
                    "the server did not answer like an S3 server (is the endpoint right?): " + e.getMessage(), e);
        }
        if (e instanceof InsufficientDataException) {
            return new StorageException(operation, bucket, key, 0, null, true,
                    "the response ended before all data arrived: " + e.getMessage(), e);
        }
        if (e instanceof SSLHandshakeException || e instanceof SSLPeerUnverifiedException) {
            // a certificate the client does not trust will not become trusted by retrying
            return new StorageException(operation, bucket, key, 0, null, false,
                    "TLS handshake failed (is the server's certificate trusted? configure trustedCertificates"
                            + " for a private CA): " + e.getMessage(), e);
        }
        if (e instanceof ConnectException) {
            return new StorageException(operation, bucket, key, 0, null, true,
                    "cannot connect to the object store: " + e.getMessage(), e);
        }
        if (e instanceof SocketTimeoutException || e instanceof InterruptedIOException) {
            return new StorageException(operation, bucket, key, 0, null, true,
                    "timed out: " + e.getMessage(), e);
        }
        if (e instanceof UnknownHostException) {
            return new StorageException(operation, bucket, key, 0, null, true,
                    "unknown host " + e.getMessage(), e);
        }
        if (e instanceof IOException) {
            return new StorageException(operation, bucket, key, 0, null, true,
                    "I/O error talking to the object store: " + e, e);
        }
        return new StorageException(operation, bucket, key, 0, null, false, e.toString(), e);
    }

    private static String message(String operation, String bucket, String key, int httpStatus, String errorCode,
                                  boolean retriable, String detail) {
        StringBuilder m = new StringBuilder();
        m.append(operation).append(" failed for bucket '").append(bucket).append('\'');
        if (key != null) {
            m.append(", key '").append(key).append('\'');
        }
        if (httpStatus > 0) {
            m.append(": HTTP ").append(httpStatus);
        } else {
            m.append(':');
        }
        if (errorCode != null) {
            m.append(' ').append(errorCode);
        }
        if (detail != null && !detail.isBlank()) {
            m.append(httpStatus > 0 || errorCode != null ? ": " : " ").append(detail);
        }
        m.append(retriable ? " [retriable]" : " [not retriable]");
        return m.toString();
    }
}
