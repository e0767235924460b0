package io.graphpaint.storage;

/**
 * The key layout of graphpaint's object store. Every key is built here, and only from ids that
 * pass {@link Ids#requireValid}, so no caller-chosen text reaches a key unchecked.
 *
 * <pre>
 * images/{requestId}/{n}.png                       generated images, n = 0 .. numImages-1
 * models/{name}/{version}/{file...}                a published model version (a checkpoint dir)
 * datasets/{datasetId}/{version}/{file...}         a dataset version (manifest + samples)
 * checkpoints/{job}/{step:010d}/{file...}          training checkpoints; the step is zero-padded
 *                                                  so that listing order is step order
 * </pre>
 *
 * Prefix methods return the key prefix of a whole version, always ending in {@code /}, for
 * listing and for the directory transfers.
 */
public final class ObjectKeys {

    public static final String IMAGES = "images/";
    public static final String MODELS = "models/";
    public static final String DATASETS = "datasets/";
    public static final String CHECKPOINTS = "checkpoints/";

    /** Ten digits keep any int step in lexicographic order. */
    private static final String STEP_FORMAT = "%010d";

    private ObjectKeys() {
    }

    /** Validates a request id (the idempotency key of a generation request). */
    public static String requireValidRequestId(String requestId) {
        return Ids.requireValid("requestId", requestId);
    }

    /** {@code images/{requestId}/} */
    public static String imagesPrefix(String requestId) {
        return IMAGES + requireValidRequestId(requestId) + "/";
    }

    /** {@code images/{requestId}/{index}.png}; the index counts from 0. */
    public static String image(String requestId, int index) {
        String prefix = imagesPrefix(requestId);
        if (index < 0) {
            throw new IllegalArgumentException("Invalid image index " + index + " for requestId '"
                    + requestId + "': must be >= 0");
        }
        return prefix + index + ".png";
    }

    /** {@code models/{name}/} */
    public static String modelPrefix(String modelName) {
        return MODELS + Ids.requireValid("modelName", modelName) + "/";
    }

    /** {@code models/{name}/{version}/} */
    public static String modelVersionPrefix(String modelName, String version) {
        return modelPrefix(modelName) + Ids.requireValid("modelVersion", version) + "/";
    }

    /** {@code models/{name}/{version}/{file}}; {@code file} may contain {@code /}-separated ids. */
    public static String modelFile(String modelName, String version, String file) {
        return modelVersionPrefix(modelName, version) + Ids.requireValidRelativePath("file name", file);
    }

    /** {@code datasets/{datasetId}/} */
    public static String datasetPrefix(String datasetId) {
        return DATASETS + Ids.requireValid("datasetId", datasetId) + "/";
    }

    /** {@code datasets/{datasetId}/{version}/} */
    public static String datasetVersionPrefix(String datasetId, String version) {
        return datasetPrefix(datasetId) + Ids.requireValid("datasetVersion", version) + "/";
    }

    /** {@code datasets/{datasetId}/{version}/{file}} */
    public static String datasetFile(String datasetId, String version, String file) {
        return datasetVersionPrefix(datasetId, version) + Ids.requireValidRelativePath("file name", file);
    }

    /** {@code checkpoints/{job}/} */
    public static String checkpointJobPrefix(String job) {
        return CHECKPOINTS + Ids.requireValid("job", job) + "/";
    }

    /** {@code checkpoints/{job}/{step:010d}/} */
    public static String checkpointPrefix(String job, long step) {
        String jobPrefix = checkpointJobPrefix(job);
        if (step < 0 || step > 9_999_999_999L) {
            throw new IllegalArgumentException("Invalid checkpoint step " + step + " for job '" + job
                    + "': must be within [0, 9999999999]");
        }
        return jobPrefix + String.format(STEP_FORMAT, step) + "/";
    }

    /** {@code checkpoints/{job}/{step:010d}/{file}} */
    public static String checkpointFile(String job, long step, String file) {
        return checkpointPrefix(job, step) + Ids.requireValidRelativePath("file name", file);
    }

    /** Parses the step back out of a key or prefix under {@code checkpoints/{job}/}. */
    public static long checkpointStep(String job, String keyOrPrefix) {
        String jobPrefix = checkpointJobPrefix(job);
        if (keyOrPrefix == null || !keyOrPrefix.startsWith(jobPrefix)) {
            throw new IllegalArgumentException("Key " + Ids.quote(keyOrPrefix) + " is not under " + jobPrefix);
        }
        String rest = keyOrPrefix.substring(jobPrefix.length());
        int slash = rest.indexOf('/');
        String step = slash < 0 ? rest : rest.substring(0, slash);
        if (!step.matches("[0-9]{10}")) {
            throw new IllegalArgumentException("Key " + Ids.quote(keyOrPrefix)
                    + " has no ten-digit step after " + jobPrefix);
        }
        return Long.parseLong(step);
    }
}
