package io.graphpaint.trainingworker;

import io.graphpaint.storage.Ids;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Deterministic names for what a dataset update produces, so that a restarted or second worker
 * arrives at the same names: the model version {@code {datasetId}-{version}-{hash8}} and the
 * training job {@code {modelName}-{datasetId}-{version}-{hash8}}, cut to fit {@link Ids#MAX_LENGTH}.
 * The hash covers the parts with a separator that cannot occur in ids, so {@code ("a-b", "c")}
 * and {@code ("a", "b-c")} get different names.
 */
public final class VersionNames {

  private VersionNames() {}

  /** The model version trained from dataset {@code datasetId} at {@code datasetVersion}. */
  public static String modelVersion(String datasetId, String datasetVersion) {
    Ids.requireValid("datasetId", datasetId);
    Ids.requireValid("dataset version", datasetVersion);
    return readable(datasetId + "-" + datasetVersion, hash(datasetId, datasetVersion));
  }

  /** The job that trains {@code modelName} on the dataset version (its checkpoints' prefix). */
  public static String job(String modelName, String datasetId, String datasetVersion) {
    Ids.requireValid("modelName", modelName);
    Ids.requireValid("datasetId", datasetId);
    Ids.requireValid("dataset version", datasetVersion);
    return readable(modelName + "-" + datasetId + "-" + datasetVersion, hash(modelName, datasetId, datasetVersion));
  }

  private static String readable(String text, String hash) {
    int room = Ids.MAX_LENGTH - hash.length() - 1;
    String head = text.length() > room ? text.substring(0, room) : text;
    return head + "-" + hash;
  }

  private static String hash(String... parts) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (String part : parts) {
        digest.update(part.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) '/');
      }
      return HexFormat.of().formatHex(digest.digest()).substring(0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
