package io.graphpaint.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Moves directory-shaped artifacts (a model version, a dataset version, a checkpoint) between a
 * local directory and a key prefix.
 *
 * <p>Both directions accept only relative paths whose every segment is a valid id
 * ({@link Ids#RULE}), so neither a file name nor a hostile key can reach outside the prefix or the
 * directory: no {@code ..}, no absolute paths, no backslashes, no empty segments. Symbolic links
 * in an uploaded directory are refused rather than followed.
 */
public final class DirectoryTransfer {

    private final ObjectStore store;

    public DirectoryTransfer(ObjectStore store) {
        this.store = store;
    }

    /**
     * Uploads every regular file under {@code directory} to {@code prefix + relativePath}, with
     * {@link ObjectStore#putFileIdempotent}: uploading the same directory again is harmless, and a
     * file that differs from what is stored fails with {@link ObjectConflictException} (a
     * published version is immutable).
     *
     * @param prefix a key prefix ending in {@code /}, e.g. from {@link ObjectKeys#modelVersionPrefix}
     * @return one result per file, in relative path order
     */
    public List<PutResult> upload(Path directory, String bucket, String prefix) {
        requirePrefix(prefix);
        if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalArgumentException("Cannot upload " + directory + ": not a directory");
        }
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(directory)) {
            for (Path path : (Iterable<Path>) walk.sorted()::iterator) {
                if (Files.isSymbolicLink(path)) {
                    throw new IllegalArgumentException("Refusing to upload symbolic link " + path
                            + ": artifacts must consist of regular files");
                }
                if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
                    files.add(path);
                }
            }
        } catch (IOException e) {
            throw new StorageException("uploadDirectory", bucket, prefix, 0, null, false,
                    "cannot read local directory " + directory + ": " + e.getMessage(), e);
        }
        List<PutResult> results = new ArrayList<>();
        for (Path file : files) {
            String relative = relativeKey(directory, file);
            results.add(store.putFileIdempotent(bucket, prefix + relative, file, contentTypeOf(relative), Map.of()));
        }
        return results;
    }

    /**
     * Downloads every object under {@code prefix} into {@code directory}, keeping the relative
     * layout, each object's sha256 checked. Keys whose remainder after the prefix is not a valid
     * relative path are refused before anything is written. Existing files with the same names are
     * replaced; other files in the directory are left alone. An empty prefix yields an empty list.
     *
     * @return the written files, in key order
     */
    public List<Path> download(String bucket, String prefix, Path directory) {
        requirePrefix(prefix);
        List<ObjectSummary> objects = store.list(bucket, prefix);
        Path root;
        try {
            Files.createDirectories(directory);
            root = directory.toRealPath();
        } catch (IOException e) {
            throw new StorageException("downloadPrefix", bucket, prefix, 0, null, false,
                    "cannot create local directory " + directory + ": " + e.getMessage(), e);
        }
        // check every key before writing anything
        List<Path> targets = new ArrayList<>();
        List<ObjectSummary> files = new ArrayList<>();
        for (ObjectSummary object : objects) {
            if (object.key().endsWith("/") && object.size() == 0) {
                continue; // a "folder" marker some tools create; nothing to write
            }
            files.add(object);
            String relative = object.key().substring(prefix.length());
            try {
                Ids.requireValidRelativePath("relative key", relative);
            } catch (IllegalArgumentException e) {
                throw new StorageException("downloadPrefix", bucket, object.key(), 0, null, false,
                        "refusing to download a key that is not a safe relative path under " + prefix + ": "
                                + e.getMessage(), e);
            }
            Path target = root.resolve(relative).normalize();
            if (!target.startsWith(root)) {
                throw new StorageException("downloadPrefix", bucket, object.key(), 0, null, false,
                        "key resolves outside " + root, null);
            }
            targets.add(target);
        }
        for (int i = 0; i < files.size(); i++) {
            Path target = targets.get(i);
            requireNoLinkBetween(root, target.getParent(), bucket, files.get(i).key());
            store.getToFile(bucket, files.get(i).key(), target);
        }
        return targets;
    }

    /** Refuses to write through a symbolic link planted inside the target directory. */
    private static void requireNoLinkBetween(Path root, Path parent, String bucket, String key) {
        try {
            Files.createDirectories(parent);
            if (!parent.toRealPath().startsWith(root)) {
                throw new StorageException("downloadPrefix", bucket, key, 0, null, false,
                        "local directory " + parent + " leads outside " + root + " through a symbolic link", null);
            }
        } catch (IOException e) {
            throw new StorageException("downloadPrefix", bucket, key, 0, null, false,
                    "cannot create local directory " + parent + ": " + e.getMessage(), e);
        }
    }

    private static String relativeKey(Path directory, Path file) {
        List<String> segments = new ArrayList<>();
        for (Path segment : directory.relativize(file)) {
            segments.add(segment.toString());
        }
        String relative = String.join("/", segments);
        return Ids.requireValidRelativePath("file path in " + directory, relative);
    }

    private static void requirePrefix(String prefix) {
        if (prefix == null || prefix.isEmpty() || !prefix.endsWith("/")) {
            throw new IllegalArgumentException("Invalid prefix " + Ids.quote(prefix)
                    + ": must be non-empty and end with '/' (build it with ObjectKeys)");
        }
        S3Uri.requireValidKey(prefix);
    }

    /** Content types for the files artifacts are made of; everything else is octet-stream. */
    static String contentTypeOf(String fileName) {
        String lower = fileName.toLowerCase(java.util.Locale.ROOT);
        if (lower.endsWith(".json")) {
            return "application/json";
        }
        if (lower.endsWith(".png")) {
            return "image/png";
        }
        if (lower.endsWith(".jsonl")) {
            return "application/x-ndjson";
        }
        if (lower.endsWith(".csv")) {
            return "text/csv; charset=utf-8";
        }
        if (lower.endsWith(".txt")) {
            return "text/plain; charset=utf-8";
        }
        return "application/octet-stream";
    }
}
