package io.graphpaint.schemas;

import org.apache.avro.util.ClassSecurityValidator;
import org.apache.avro.util.ClassSecurityValidator.ClassSecurityPredicate;

/**
 * Lets Avro instantiate graphpaint's generated event classes.
 *
 * <p>Avro 1.12.2 refuses to load classes named by a schema unless they are trusted (a writer
 * schema read from a registry is untrusted input; without the check a crafted schema could make
 * the reader load arbitrary classes). graphpaint trusts exactly its own package
 * {@code io.graphpaint.events} and keeps every other class to Avro's default rules, so no
 * {@code -Dorg.apache.avro.SERIALIZABLE_PACKAGES} flag is needed. The serdes, the JSON mapping and
 * {@link Topic} call {@link #trust()}; code that decodes events by other means (for example the
 * generated {@code fromByteBuffer}) calls it once at start-up.
 */
public final class EventClasses {

  /** The package of the generated event classes (namespace of every {@code .avsc}). */
  public static final String PACKAGE = "io.graphpaint.events";

  private static final ClassSecurityPredicate EVENTS_PACKAGE =
      type -> type.getPackage() != null && PACKAGE.equals(type.getPackageName());

  private static volatile boolean trusted;

  private EventClasses() {}

  /** Adds {@value #PACKAGE} to Avro's trusted classes; idempotent and thread-safe. */
  public static void trust() {
    if (trusted) {
      return;
    }
    synchronized (EventClasses.class) {
      if (!trusted) {
        ClassSecurityPredicate current = ClassSecurityValidator.getGlobal();
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(current, EVENTS_PACKAGE));
        trusted = true;
      }
    }
  }
}
