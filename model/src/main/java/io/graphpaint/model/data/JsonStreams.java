package io.graphpaint.model.data;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads the large JSON files of Visual Genome and COCO (hundreds of MB to GB) one record at a
 * time, so memory holds one record's tree, not the whole file's.
 */
final class JsonStreams {

  private static final ObjectMapper JSON = new ObjectMapper();

  private JsonStreams() {}

  /** Calls {@code consumer} with each element of a top-level JSON array. */
  static void forEachElement(InputStream in, String what, Consumer<JsonNode> consumer) throws IOException {
    try (JsonParser parser = JSON.getFactory().createParser(in)) {
      if (parser.nextToken() != JsonToken.START_ARRAY) {
        throw new IllegalArgumentException(what + " must be a JSON array of records");
      }
      while (parser.nextToken() == JsonToken.START_OBJECT) {
        consumer.accept(parser.readValueAsTree());
      }
    }
  }

  /**
   * For a top-level JSON object, calls the consumer registered for a field with each element of
   * that field's array; other fields are skipped without being built.
   */
  static void forEachFieldElement(InputStream in, String what, Map<String, Consumer<JsonNode>> consumers)
      throws IOException {
    try (JsonParser parser = JSON.getFactory().createParser(in)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException(what + " must be a JSON object");
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        Consumer<JsonNode> consumer = consumers.get(field);
        if (consumer == null || value != JsonToken.START_ARRAY) {
          parser.skipChildren();
          continue;
        }
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          consumer.accept(parser.readValueAsTree());
        }
      }
    }
  }
}
