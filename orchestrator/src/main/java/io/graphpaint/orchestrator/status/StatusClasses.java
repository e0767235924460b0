package io.graphpaint.orchestrator.status;

import io.graphpaint.schemas.EventClasses;
import org.apache.avro.util.ClassSecurityValidator.ClassSecurityPredicate;
import org.apache.avro.util.ClassSecurityValidator;

/**
 * Lets Avro instantiate the status store's generated classes (this package) besides the event
 * classes; Avro refuses classes of packages it was not told to trust.
 */
public final class StatusClasses {

  private static final String PACKAGE = StatusClasses.class.getPackageName();
  private static final ClassSecurityPredicate STATUS_PACKAGE =
      type -> type.getPackage() != null && PACKAGE.equals(type.getPackageName());
  private static volatile boolean trusted;

  private StatusClasses() {}

  /** Idempotent and thread-safe. */
  public static void trust() {
    if (trusted) {
      return;
    }
    synchronized (StatusClasses.class) {
      if (!trusted) {
        EventClasses.trust();
        ClassSecurityValidator.setGlobal(
            ClassSecurityValidator.composite(ClassSecurityValidator.getGlobal(), STATUS_PACKAGE));
        trusted = true;
      }
    }
  }
}
