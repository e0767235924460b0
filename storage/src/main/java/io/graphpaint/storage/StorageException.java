package io.graphpaint.storage;

import io.minio.errors.ErrorResponseException;
import io.minio.errors.InsufficientDataException;
import io.minio.errors.ServerException;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.Set;

/**
 * A failed object store operation: says which operation on which bucket and key failed, the HTTP
 * status and S3 error code when the server answered, and whether trying again may help.
 *
 * <p>Retriable: the server could not be reached or timed out, it answered 5xx, 429 or an S3
 * throttling / internal error code, or the response body ended early. Not retriable: 4xx such as
 * 403 (credentials, signature, policy) and 404 (no such bucket or key), conflicts, bad requests.
 */
public class StorageException extends RuntimeException {

    private static final Set<String> RETRIABLE_CODES = Set.of(
            "SlowDown", "InternalError", "ServiceUnavailable", "RequestTimeout", "RequestTimeTooSkewed");

    private static final Set<String> CREDENTIAL_CODES = Set.of(
            "SignatureDoesNotMatch", "InvalidAccessKeyId", "AccessDenied", "InvalidToken", "ExpiredToken");

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
        if (e instanceof InsufficientDataException) {
            return new StorageException(operation, bucket, key, 0, null, true,
                    "the response ended before all data arrived: " + e.getMessage(), e);
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
