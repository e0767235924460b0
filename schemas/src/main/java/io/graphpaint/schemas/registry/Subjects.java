package io.graphpaint.schemas.registry;

import java.util.Objects;

/** Confluent's default subject naming, the topic-name strategy: {@code <topic>-key}, {@code <topic>-value}. */
public final class Subjects {
  private Subjects() {}

  public static String valueSubject(String topic) {
    return Objects.requireNonNull(topic, "topic") + "-value";
  }

  public static String keySubject(String topic) {
    return Objects.requireNonNull(topic, "topic") + "-key";
  }

  public static String subject(String topic, boolean isKey) {
    return isKey ? keySubject(topic) : valueSubject(topic);
  }
}
