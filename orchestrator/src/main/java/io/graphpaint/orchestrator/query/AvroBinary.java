package io.graphpaint.orchestrator.query;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * Avro binary of lists of store values, the body of queries forwarded between orchestrator
 * instances (all instances run the same schema, so no registry is involved).
 */
public final class AvroBinary {

  public static final String CONTENT_TYPE = "application/vnd.graphpaint.avro-list";

  static {
    io.graphpaint.orchestrator.status.StatusClasses.trust();
  }

  private AvroBinary() {}

  public static <T extends SpecificRecord> byte[] encodeList(List<T> values, Schema itemSchema) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
      new SpecificDatumWriter<List<T>>(Schema.createArray(itemSchema)).write(values, encoder);
      encoder.flush();
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static <T extends SpecificRecord> List<T> decodeList(byte[] bytes, Schema itemSchema) {
    try {
      SpecificDatumReader<List<T>> reader = new SpecificDatumReader<>(Schema.createArray(itemSchema));
      return reader.read(null, DecoderFactory.get().binaryDecoder(bytes, null));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
