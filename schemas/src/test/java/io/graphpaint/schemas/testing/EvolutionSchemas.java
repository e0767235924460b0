package io.graphpaint.schemas.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/** The previous and an incompatible next version of GenerationRequest, and records of the previous one. */
public final class EvolutionSchemas {
  private EvolutionSchemas() {}

  /** GenerationRequest before {@code modelVersion} and {@code tags} were added. */
  public static Schema previousRequestSchema() {
    return load("/evolution/GenerationRequest-v1.avsc");
  }

  /** GenerationRequest plus a required {@code priority} without default. */
  public static Schema incompatibleRequestSchema() {
    return load("/evolution/GenerationRequest-incompatible.avsc");
  }

  /** A record of the previous version: 2 objects, 1 relationship, seed 7. */
  public static GenericRecord previousRequest(String requestId) {
    Schema schema = previousRequestSchema();
    Schema graphSchema = schema.getField("graph").schema();
    Schema objectSchema = graphSchema.getField("objects").schema().getElementType();
    Schema relationshipSchema = graphSchema.getField("relationships").schema().getElementType();
    GenericRecord red = new GenericData.Record(objectSchema);
    red.put("label", "red circle");
    red.put("attributes", List.of());
    GenericRecord blue = new GenericData.Record(objectSchema);
    blue.put("label", "blue square");
    blue.put("attributes", List.of("small"));
    GenericRecord leftOf = new GenericData.Record(relationshipSchema);
    leftOf.put("subject", 0);
    leftOf.put("predicate", "left of");
    leftOf.put("object", 1);
    GenericRecord graph = new GenericData.Record(graphSchema);
    graph.put("objects", List.of(red, blue));
    graph.put("relationships", List.of(leftOf));
    GenericRecord request = new GenericData.Record(schema);
    request.put("requestId", requestId);
    request.put("graph", graph);
    request.put("numImages", 2);
    request.put("seed", 7L);
    request.put("steps", null);
    request.put("guidanceScale", null);
    request.put("size", 32);
    request.put("submittedAt", Instant.parse("2026-01-02T03:04:05Z").toEpochMilli());
    return request;
  }

  /** The Confluent wire format of a generic record. */
  public static byte[] confluentBytes(int schemaId, GenericRecord record) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(new byte[] {0, (byte) (schemaId >>> 24), (byte) (schemaId >>> 16), (byte) (schemaId >>> 8), (byte) schemaId});
      BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
      new GenericDatumWriter<GenericRecord>(record.getSchema()).write(record, encoder);
      encoder.flush();
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Schema load(String resource) {
    try (InputStream in = EvolutionSchemas.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + resource);
      }
      return new Schema.Parser().parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
