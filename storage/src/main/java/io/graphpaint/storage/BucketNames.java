package io.graphpaint.storage;

import java.util.regex.Pattern;

/** S3's bucket naming rules, checked before a name reaches a request. */
public final class BucketNames {

    /** The rule in words, quoted in rejection messages. */
    public static final String RULE = "3-63 characters of a-z, 0-9, '.' and '-', starting and ending with a letter"
            + " or digit, no '..', not shaped like an IP address";

    private static final Pattern VALID = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern IP_ADDRESS = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private BucketNames() {
    }

    public static boolean isValid(String bucket) {
        return bucket != null && VALID.matcher(bucket).matches() && !bucket.contains("..")
                && !bucket.contains(".-") && !bucket.contains("-.") && !IP_ADDRESS.matcher(bucket).matches();
    }

    /**
     * Returns {@code bucket} unchanged when valid.
     *
     * @param field what the name configures, used in the message (for example {@code "buckets.images"})
     */
    public static String requireValid(String field, String bucket) {
        if (!isValid(bucket)) {
            throw new IllegalArgumentException("Invalid bucket name " + Ids.quote(bucket) + " for " + field
                    + ": must be " + RULE);
        }
        return bucket;
    }
}
