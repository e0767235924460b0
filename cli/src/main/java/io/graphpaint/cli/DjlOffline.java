package io.graphpaint.cli;

/**
 * DJL must never reach the network: without these settings its telemetry connects out when the
 * engine starts and a missing native library triggers a download. Set before any engine loads.
 */
final class DjlOffline {

  private DjlOffline() {}

  static void apply() {
    setIfAbsent("ai.djl.offline", "true");
    setIfAbsent("OPT_OUT_TRACKING", "true");
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
