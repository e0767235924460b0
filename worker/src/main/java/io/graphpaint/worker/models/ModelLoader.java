package io.graphpaint.worker.models;

/** Loads one model version from where its artifacts are. */
@FunctionalInterface
public interface ModelLoader {

  /**
   * @param name model name
   * @param version version to load
   * @param artifactUri {@code s3://bucket/models/{name}/{version}/}, a {@code file:} URI or a local path
   * @throws Exception anything that keeps the version from serving (missing or corrupt artifacts)
   */
  LoadedModel load(String name, String version, String artifactUri) throws Exception;
}
