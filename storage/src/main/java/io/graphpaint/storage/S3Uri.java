package io.graphpaint.storage;

import java.nio.charset.StandardCharsets;

/**
 * An object (or, with a key ending in {@code /}, a prefix) addressed as {@code s3://bucket/key},
 * the form events carry in {@code manifestUri} and {@code artifactUri}.
 *
 * <p>The key is kept verbatim: S3 keys are not URL-encoded in this form, the same convention as
 * the AWS CLI.
 */
public record S3Uri(String bucket, String key) {

    public static final String SCHEME = "s3://";

    /** S3's limit on the UTF-8 length of a key. */
    public static final int MAX_KEY_BYTES = 1024;

    public S3Uri {
        BucketNames.requireValid("bucket of an s3:// URI", bucket);
        requireValidKey(key);
    }

    /**
     * Parses {@code s3://bucket/key}.
     *
     * @throws IllegalArgumentException naming the input and what part of it is wrong
     */
    public static S3Uri parse(String uri) {
        if (uri == null || !uri.startsWith(SCHEME)) {
            throw new IllegalArgumentException("Invalid S3 URI " + Ids.quote(uri)
                    + ": must have the form s3://bucket/key");
        }
        String rest = uri.substring(SCHEME.length());
        int slash = rest.indexOf('/');
        if (slash < 0 || slash == rest.length() - 1) {
            throw new IllegalArgumentException("Invalid S3 URI " + Ids.quote(uri)
                    + ": no object key after the bucket (form s3://bucket/key)");
        }
        try {
            return new S3Uri(rest.substring(0, slash), rest.substring(slash + 1));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid S3 URI " + Ids.quote(uri) + ": " + e.getMessage(), e);
        }
    }

    /** True when the key names a prefix (a "directory") rather than one object. */
    public boolean isPrefix() {
        return key.endsWith("/");
    }

    @Override
    public String toString() {
        return SCHEME + bucket + "/" + key;
    }

    /** Keys are non-empty, at most 1024 UTF-8 bytes, without control characters, not starting with '/'. */
    static String requireValidKey(String key) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("Invalid object key " + Ids.quote(key) + ": must not be empty");
        }
        if (key.startsWith("/")) {
            throw new IllegalArgumentException("Invalid object key " + Ids.quote(key) + ": must not start with '/'");
        }
        int bytes = key.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_KEY_BYTES) {
            throw new IllegalArgumentException("Invalid object key " + Ids.quote(key) + ": " + bytes
                    + " UTF-8 bytes, at most " + MAX_KEY_BYTES + " allowed");
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new IllegalArgumentException("Invalid object key " + Ids.quote(key)
                        + ": control character at index " + i);
            }
        }
        return key;
    }
}
