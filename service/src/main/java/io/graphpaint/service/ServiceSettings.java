package io.graphpaint.service;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;

/**
 * A service's settings from properties overridden by environment variables, checked against its
 * {@link ConfigDef}: {@code <PREFIX>a.b.c} is also {@code <ENV_PREFIX>A_B_C}; keys under
 * {@code <prefix>kafka.client.} pass through to the Kafka clients (TLS, SASL) unchecked; an unknown
 * key under the prefix and every invalid value are collected into one {@link ConfigException},
 * one problem per line.
 *
 * @param values the service's own keys, to build its {@code AbstractConfig} from
 * @param kafkaPassthrough Kafka client settings with the pass-through prefix removed; may hold
 *     secrets: never log them
 */
public record ServiceSettings(Map<String, Object> values, Map<String, Object> kafkaPassthrough) {

  /** The key prefix, under {@code prefix}, of settings passed through to the Kafka clients. */
  public static final String KAFKA_CLIENT = "kafka.client.";

  /**
   * @param definition the service's keys, types, defaults and checks
   * @param prefix the keys' common prefix, e.g. {@code graphpaint.worker.}
   * @param envPrefix the environment variables' prefix, e.g. {@code GRAPHPAINT_WORKER_}
   * @param service names the service in the exception, e.g. {@code worker}
   * @throws ConfigException listing every invalid or unknown field, one per line
   */
  public static ServiceSettings parse(ConfigDef definition, String prefix, String envPrefix, String service,
      Map<String, ?> props, Map<String, String> env) {
    Map<String, Object> values = new HashMap<>();
    Map<String, Object> passthrough = new TreeMap<>();
    List<String> problems = new ArrayList<>();
    props.forEach((key, value) -> place(definition, prefix, key, value, values, passthrough, problems, "property"));
    env.forEach((name, value) -> {
      if (name.startsWith(envPrefix)) {
        place(definition, prefix, prefix + name.substring(envPrefix.length()).toLowerCase(Locale.ROOT).replace('_', '.'),
            value, values, passthrough, problems, "environment variable " + name);
      }
    });
    Map<String, String> asText = new HashMap<>();
    values.forEach((key, value) -> asText.put(key, value == null ? null : value.toString()));
    for (ConfigValue value : definition.validate(asText)) {
      // the first message says what is wrong; a value that did not parse also fails later checks
      if (!value.errorMessages().isEmpty()) {
        problems.add(value.errorMessages().get(0));
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigException("Invalid " + service + " configuration (" + problems.size() + " problem"
          + (problems.size() == 1 ? "" : "s") + "):\n  " + String.join("\n  ", problems));
    }
    return new ServiceSettings(values, passthrough);
  }

  private static void place(ConfigDef definition, String prefix, String key, Object value, Map<String, Object> values,
      Map<String, Object> passthrough, List<String> problems, String source) {
    String passthroughPrefix = prefix + KAFKA_CLIENT;
    if (key.startsWith(passthroughPrefix)) {
      passthrough.put(key.substring(passthroughPrefix.length()), value);
    } else if (definition.configKeys().containsKey(key)) {
      values.put(key, value);
    } else if (key.startsWith(prefix)) {
      problems.add("Unknown configuration " + key + " (from " + source + "); known keys: "
          + String.join(", ", new TreeMap<>(definition.configKeys()).keySet())
          + ", and Kafka client settings under " + passthroughPrefix);
    }
  }

  /** The JVM's system properties whose names start with {@code prefix} ({@code -Dgraphpaint.worker.*}), by name. */
  public static Map<String, Object> systemProperties(String prefix) {
    Map<String, Object> out = new HashMap<>();
    System.getProperties().forEach((key, value) -> {
      if (key.toString().startsWith(prefix)) {
        out.put(key.toString(), value);
      }
    });
    return out;
  }

  /**
   * A service main's configuration: {@code read}'s result, or, when it throws a {@link
   * ConfigException}, its message alone on stderr and exit status 2 (the status of a usage error),
   * without a stack trace.
   */
  public static <T> T orExit(java.util.function.Supplier<T> read) {
    try {
      return read.get();
    } catch (ConfigException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      throw e; // not reached
    }
  }

  /**
   * The configured instance id, or {@code <host>-<pid>} (with {@code fallbackHost} when the host
   * name cannot be had), in the characters ids allow.
   */
  public static String instanceId(String configured, String fallbackHost) {
    if (configured != null && !configured.isBlank()) {
      return configured;
    }
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = fallbackHost;
    }
    return (host + "-" + ManagementFactory.getRuntimeMXBean().getPid()).replaceAll("[^A-Za-z0-9._-]", "-");
  }
}
