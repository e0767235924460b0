package io.graphpaint.schemas.serde;

import io.graphpaint.schemas.registry.SchemaRegistryConfig;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * Settings of the Avro serdes: the registry client's keys plus Confluent's serde keys, with
 * Confluent's names and defaults, so that existing producer / consumer / Streams configurations
 * carry over. Settings Confluent offers but graphpaint does not support (other subject-name
 * strategies, generic records) are refused with a message rather than ignored.
 */
public class AvroSerdeConfig extends SchemaRegistryConfig {

  public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
  public static final String USE_LATEST_VERSION = "use.latest.version";
  public static final String KEY_SUBJECT_NAME_STRATEGY = "key.subject.name.strategy";
  public static final String VALUE_SUBJECT_NAME_STRATEGY = "value.subject.name.strategy";
  public static final String SPECIFIC_AVRO_READER = "specific.avro.reader";
  public static final String SPECIFIC_AVRO_KEY_TYPE = "specific.avro.key.type";
  public static final String SPECIFIC_AVRO_VALUE_TYPE = "specific.avro.value.type";

  /** The one strategy supported: Confluent's default, subject = {@code <topic>-key|value}. */
  public static final String TOPIC_NAME_STRATEGY = "io.confluent.kafka.serializers.subject.TopicNameStrategy";

  private static final ConfigDef DEFINITION = SchemaRegistryConfig.define(new ConfigDef())
      .define(AUTO_REGISTER_SCHEMAS, Type.BOOLEAN, true, Importance.MEDIUM,
          "Serializer: register the record's schema under the subject when it is new. When false the "
              + "schema must already be registered (production registries often forbid writes from clients).")
      .define(USE_LATEST_VERSION, Type.BOOLEAN, false, Importance.LOW,
          "Serializer, with auto.register.schemas=false: write with the id of the subject's latest "
              + "version instead of looking the record's schema up.")
      .define(KEY_SUBJECT_NAME_STRATEGY, Type.STRING, TOPIC_NAME_STRATEGY, Importance.LOW,
          "Subject naming of keys; only TopicNameStrategy (<topic>-key) is supported.")
      .define(VALUE_SUBJECT_NAME_STRATEGY, Type.STRING, TOPIC_NAME_STRATEGY, Importance.LOW,
          "Subject naming of values; only TopicNameStrategy (<topic>-value) is supported.")
      .define(SPECIFIC_AVRO_READER, Type.BOOLEAN, true, Importance.LOW,
          "Deserializer: decode into generated classes; graphpaint supports only true.")
      .define(SPECIFIC_AVRO_KEY_TYPE, Type.CLASS, null, Importance.LOW,
          "Deserializer: generated class to read keys as; the class named by the writer schema when absent.")
      .define(SPECIFIC_AVRO_VALUE_TYPE, Type.CLASS, null, Importance.MEDIUM,
          "Deserializer: generated class to read values as (its schema is the reader schema); the class "
              + "named by the writer schema when absent.");

  public AvroSerdeConfig(Map<?, ?> originals) {
    super(DEFINITION, originals);
    for (String key : new String[] {KEY_SUBJECT_NAME_STRATEGY, VALUE_SUBJECT_NAME_STRATEGY}) {
      String strategy = strategyName(key);
      if (!strategy.equals(TOPIC_NAME_STRATEGY) && !strategy.endsWith(".TopicNameStrategy")
          && !strategy.equals("TopicNameStrategy")) {
        throw new ConfigException(key, strategy, "only TopicNameStrategy (<topic>-key / <topic>-value) is supported");
      }
    }
    if (!getBoolean(SPECIFIC_AVRO_READER)) {
      throw new ConfigException(SPECIFIC_AVRO_READER, false,
          "graphpaint decodes into generated (specific) classes only; set it to true or leave it out");
    }
  }

  /**
   * Serde settings for a serde given a ready {@link io.graphpaint.schemas.registry.SchemaRegistryClient}:
   * the client's keys, the URL among them, may be left out.
   */
  public static AvroSerdeConfig forSharedClient(Map<String, ?> configs) {
    Map<String, Object> withUrl = new java.util.HashMap<>(configs);
    withUrl.putIfAbsent(URL, "http://unused.client.passed.in");
    return new AvroSerdeConfig(withUrl);
  }

  private String strategyName(String key) {
    return getString(key).trim();
  }

  public boolean autoRegisterSchemas() {
    return getBoolean(AUTO_REGISTER_SCHEMAS);
  }

  public boolean useLatestVersion() {
    return getBoolean(USE_LATEST_VERSION);
  }

  /** The configured reader class for keys or values, or null. */
  public Class<?> specificType(boolean isKey) {
    return getClass(isKey ? SPECIFIC_AVRO_KEY_TYPE : SPECIFIC_AVRO_VALUE_TYPE);
  }

  public static ConfigDef configDef() {
    return new ConfigDef(DEFINITION);
  }
}
