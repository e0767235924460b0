package io.graphpaint.worker.models;

import ai.djl.Device;
import ai.djl.engine.Engine;

/** Maps the {@code device} setting ({@code auto}, {@code cpu}, {@code gpu:N}) to a DJL {@link Device}. */
public final class DeviceSelection {

  private DeviceSelection() {}

  /**
   * @throws IllegalArgumentException for anything else, or a GPU the engine does not have
   */
  public static Device parse(String setting) {
    String value = setting == null ? "" : setting.trim();
    if (value.equals("auto")) {
      return Engine.getInstance().defaultDevice();
    }
    if (value.equals("cpu")) {
      return Device.cpu();
    }
    if (value.matches("gpu(:\\d{1,2})?")) {
      int index = value.equals("gpu") ? 0 : Integer.parseInt(value.substring(4));
      int available = Engine.getInstance().getGpuCount();
      if (index >= available) {
        throw new IllegalArgumentException("device " + value + " is not available: the "
            + Engine.getInstance().getEngineName() + " engine sees " + available + " GPU(s)"
            + (available == 0 ? " (a CUDA build of the engine's native library is needed)" : ", indices 0.." + (available - 1)));
      }
      return Device.gpu(index);
    }
    throw new IllegalArgumentException("device must be auto, cpu or gpu:N, got '" + setting + "'");
  }
}
