package io.graphpaint.devstack;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives a test class a started {@link DevStack}; test methods, constructors and lifecycle methods
 * receive it (or one of its parts) as a parameter.
 *
 * <pre>{@code
 * @WithDevStack(scope = WithDevStack.Scope.SUITE, parts = {Part.KAFKA, Part.SCHEMA_REGISTRY})
 * class RequestSerdeIT {
 *     @Test
 *     void roundTrip(DevStack stack) { ... stack.schemaRegistryUrl() ... }
 * }
 * }</pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(DevStackExtension.class)
public @interface WithDevStack {

    /** How long a stack lives and who shares it. */
    enum Scope {
        /** One stack per test class (and its nested classes), stopped after the class. */
        CLASS,
        /** Shared by every class of the test run in this JVM whose parts it has; stopped when the run ends. */
        SUITE
    }

    Scope scope() default Scope.CLASS;

    DevStack.Part[] parts() default {DevStack.Part.KAFKA, DevStack.Part.SCHEMA_REGISTRY, DevStack.Part.S3};
}
