package io.graphpaint.devstack;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * JUnit 5 extension that starts a {@link DevStack} before a test class and injects it, or its
 * {@link EmbeddedKafka}, {@link EmbeddedSchemaRegistry} or {@link EmbeddedS3}, into parameters.
 *
 * <p>Scope and parts come from {@link WithDevStack} on the class (default: one stack per class with
 * every part), or from the constructor when registered with {@code @RegisterExtension}. Suite-scoped
 * stacks live in the root {@link ExtensionContext.Store}, so every class of the run whose parts a
 * running stack already has shares that stack, and JUnit stops it when the run ends.
 */
public final class DevStackExtension implements BeforeAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(DevStackExtension.class);

    private final WithDevStack.Scope fixedScope;
    private final Set<DevStack.Part> fixedParts;

    /** Reads scope and parts from {@link WithDevStack} (used by {@code @ExtendWith} and {@code @WithDevStack}). */
    public DevStackExtension() {
        this.fixedScope = null;
        this.fixedParts = null;
    }

    /** For {@code @RegisterExtension static DevStackExtension stack = new DevStackExtension(SUITE, Part.KAFKA);} */
    public DevStackExtension(WithDevStack.Scope scope, DevStack.Part... parts) {
        if (scope == null) {
            throw new IllegalArgumentException("scope must be CLASS or SUITE, got null");
        }
        if (parts.length == 0) {
            throw new IllegalArgumentException("parts must name at least one of " + EnumSet.allOf(DevStack.Part.class));
        }
        this.fixedScope = scope;
        this.fixedParts = EnumSet.copyOf(Arrays.asList(parts));
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        stack(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Class<?> type = parameterContext.getParameter().getType();
        return type == DevStack.class || type == EmbeddedKafka.class || type == EmbeddedSchemaRegistry.class || type == EmbeddedS3.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        DevStack stack = stack(extensionContext);
        Class<?> type = parameterContext.getParameter().getType();
        try {
            if (type == DevStack.class) {
                return stack;
            }
            if (type == EmbeddedKafka.class) {
                return stack.kafka();
            }
            if (type == EmbeddedSchemaRegistry.class) {
                return stack.schemaRegistry();
            }
            return stack.s3();
        } catch (IllegalStateException e) {
            throw new ParameterResolutionException("Cannot inject " + type.getSimpleName() + " into "
                    + parameterContext.getDeclaringExecutable() + ": " + e.getMessage() + ". Add the part to @WithDevStack(parts = ...)", e);
        }
    }

    /**
     * The stack for this context: the one its (outermost) test class or the whole run already holds,
     * else one started now. Public so other extensions can reach it.
     */
    public DevStack stack(ExtensionContext context) {
        WithDevStack.Scope scope = scope(context);
        Set<DevStack.Part> parts = parts(context);
        if (scope == WithDevStack.Scope.SUITE) {
            return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(SuiteStacks.class).stackWith(parts);
        }
        String key = "devstack-" + parts.stream().map(Enum::name).sorted().collect(Collectors.joining("+"));
        // kept by the outermost class, so its methods and nested classes all get this one stack
        StackResource resource = classContext(context).getStore(NAMESPACE).getOrComputeIfAbsent(key,
                ignored -> new StackResource(DevStack.start(DevStack.Config.builder().parts(parts).build())), StackResource.class);
        return resource.stack;
    }

    private WithDevStack.Scope scope(ExtensionContext context) {
        if (fixedScope != null) {
            return fixedScope;
        }
        return annotation(context).map(WithDevStack::scope).orElse(WithDevStack.Scope.CLASS);
    }

    private Set<DevStack.Part> parts(ExtensionContext context) {
        if (fixedParts != null) {
            return fixedParts;
        }
        return annotation(context)
                .map(found -> found.parts().length == 0 ? EnumSet.allOf(DevStack.Part.class) : EnumSet.copyOf(Arrays.asList(found.parts())))
                .orElseGet(() -> EnumSet.allOf(DevStack.Part.class));
    }

    /** The nearest {@link WithDevStack}: on the test class, a superclass, or an enclosing class. */
    private static java.util.Optional<WithDevStack> annotation(ExtensionContext context) {
        for (Class<?> type = context.getRequiredTestClass(); type != null; type = type.getEnclosingClass()) {
            java.util.Optional<WithDevStack> found = AnnotationSupport.findAnnotation(type, WithDevStack.class);
            if (found.isPresent()) {
                return found;
            }
        }
        return java.util.Optional.empty();
    }

    /** The outermost class-level context, so a class and its nested classes share one CLASS-scoped stack. */
    private static ExtensionContext classContext(ExtensionContext context) {
        ExtensionContext classContext = context;
        for (ExtensionContext current = context; current.getParent().isPresent(); current = current.getParent().get()) {
            if (current.getTestMethod().isEmpty() && current.getTestClass().isPresent()) {
                classContext = current;
            }
        }
        return classContext;
    }

    /**
     * The stacks shared by the whole run: a class asking for some parts gets the first stack that has
     * them all (so a KAFKA-only class reuses a full stack started earlier), else a new one.
     */
    @SuppressWarnings("deprecation") // see StackResource
    static final class SuiteStacks implements ExtensionContext.Store.CloseableResource {
        private final List<DevStack> stacks = new ArrayList<>();

        synchronized DevStack stackWith(Set<DevStack.Part> parts) {
            for (DevStack stack : stacks) {
                if (stack.config().parts().containsAll(parts)) {
                    return stack;
                }
            }
            DevStack started = DevStack.start(DevStack.Config.builder().parts(parts).build());
            stacks.add(started);
            return started;
        }

        @Override
        public synchronized void close() {
            RuntimeException failure = null;
            for (DevStack stack : stacks) {
                try {
                    stack.close();
                } catch (RuntimeException e) {
                    if (failure == null) {
                        failure = e;
                    } else {
                        failure.addSuppressed(e);
                    }
                }
            }
            stacks.clear();
            if (failure != null) {
                throw failure;
            }
        }
    }

    /** Lets JUnit stop the stack when the owning class context closes. */
    @SuppressWarnings("deprecation") // CloseableResource works on every JUnit 5 version; 5.13+ also accepts AutoCloseable
    private static final class StackResource implements ExtensionContext.Store.CloseableResource {
        private final DevStack stack;

        private StackResource(DevStack stack) {
            this.stack = stack;
        }

        @Override
        public void close() {
            stack.close();
        }
    }
}
