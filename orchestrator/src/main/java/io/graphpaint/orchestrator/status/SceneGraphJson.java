package io.graphpaint.orchestrator.status;

import io.graphpaint.events.SceneGraph;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.io.JsonEncoder;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * The scene graph as kept in the status: Avro's JSON encoding, which for {@link SceneGraph} (no
 * unions) is plain JSON {@code {"objects":[{"label":..,"attributes":[..]}],"relationships":[{"subject":..,"predicate":..,"object":..}]}}.
 */
public final class SceneGraphJson {

  private SceneGraphJson() {}

  public static String toJson(SceneGraph graph) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      JsonEncoder encoder = EncoderFactory.get().jsonEncoder(SceneGraph.getClassSchema(), out);
      new SpecificDatumWriter<>(SceneGraph.class).write(graph, encoder);
      encoder.flush();
      return out.toString(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("scene graph did not encode as JSON", e);
    }
  }
}
