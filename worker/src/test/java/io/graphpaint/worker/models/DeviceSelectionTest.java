package io.graphpaint.worker.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.engine.Engine;
import org.junit.jupiter.api.Test;

class DeviceSelectionTest {

  @Test
  void settingsMapToDjlDevices() {
    assertThat(DeviceSelection.parse("cpu")).isEqualTo(Device.cpu());
    assertThat(DeviceSelection.parse("auto")).isEqualTo(Engine.getInstance().defaultDevice());
  }

  @Test
  void aMissingGpuOrAnUnknownDeviceIsRefusedWithWhatIsAvailable() {
    int gpus = Engine.getInstance().getGpuCount();
    assertThatThrownBy(() -> DeviceSelection.parse("gpu:" + gpus))
        .hasMessageContaining("device gpu:" + gpus + " is not available").hasMessageContaining(gpus + " GPU(s)");
    assertThatThrownBy(() -> DeviceSelection.parse("tpu")).hasMessageContaining("auto, cpu or gpu:N");
  }
}
