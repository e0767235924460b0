package io.graphpaint.schemas.testing;

import io.graphpaint.events.GenerationRequest;
import io.graphpaint.events.Relationship;
import io.graphpaint.events.SceneObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Avro binary encoding of a {@link GenerationRequest}, written by hand from the Avro specification
 * (zig-zag varints, length-prefixed UTF-8, blocked arrays and maps, union branch indices,
 * little-endian floats) without Avro's library: the reference the serde's bytes are checked
 * against, and what any other client following the specification would produce.
 */
public final class ReferenceAvroEncoder {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  /** {@code 0x00}, the 4-byte big-endian id, then the body: the Confluent wire format. */
  public static byte[] confluentRecord(int schemaId, GenerationRequest request) {
    ReferenceAvroEncoder encoder = new ReferenceAvroEncoder();
    encoder.out.write(0);
    encoder.out.write(schemaId >>> 24);
    encoder.out.write(schemaId >>> 16);
    encoder.out.write(schemaId >>> 8);
    encoder.out.write(schemaId);
    encoder.request(request);
    return encoder.out.toByteArray();
  }

  private void request(GenerationRequest request) {
    string(request.getRequestId());
    objects(request.getGraph().getObjects());
    relationships(request.getGraph().getRelationships());
    varint(request.getNumImages());
    if (request.getSeed() == null) {
      varint(0);
    } else {
      varint(1);
      varint(request.getSeed());
    }
    optionalInt(request.getSteps());
    if (request.getGuidanceScale() == null) {
      varint(0);
    } else {
      varint(1);
      int bits = Float.floatToIntBits(request.getGuidanceScale());
      for (int i = 0; i < 4; i++) {
        out.write(bits >>> (8 * i)); // little-endian
      }
    }
    optionalInt(request.getSize());
    if (request.getModelVersion() == null) {
      varint(0);
    } else {
      varint(1);
      string(request.getModelVersion());
    }
    varint(request.getSubmittedAt().toEpochMilli()); // timestamp-millis is a long
    Map<String, String> tags = request.getTags();
    if (!tags.isEmpty()) {
      varint(tags.size());
      tags.forEach((key, value) -> {
        string(key);
        string(value);
      });
    }
    varint(0); // end of map blocks
  }

  private void objects(List<SceneObject> objects) {
    if (!objects.isEmpty()) {
      varint(objects.size());
      for (SceneObject object : objects) {
        string(object.getLabel());
        if (!object.getAttributes().isEmpty()) {
          varint(object.getAttributes().size());
          object.getAttributes().forEach(this::string);
        }
        varint(0);
      }
    }
    varint(0);
  }

  private void relationships(List<Relationship> relationships) {
    if (!relationships.isEmpty()) {
      varint(relationships.size());
      for (Relationship relationship : relationships) {
        varint(relationship.getSubject());
        string(relationship.getPredicate());
        varint(relationship.getObject());
      }
    }
    varint(0);
  }

  private void optionalInt(Integer value) {
    if (value == null) {
      varint(0);
    } else {
      varint(1);
      varint(value);
    }
  }

  private void string(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    varint(bytes.length);
    out.writeBytes(bytes);
  }

  /** Zig-zag then base-128 varint, least significant group first. */
  private void varint(long value) {
    long zigzag = (value << 1) ^ (value >> 63);
    while ((zigzag & ~0x7FL) != 0) {
      out.write((int) ((zigzag & 0x7F) | 0x80));
      zigzag >>>= 7;
    }
    out.write((int) zigzag);
  }
}
