package io.graphpaint.devstack;

import java.util.List;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.LoggerFactory;

/**
 * Logback without a configuration file logs everything at DEBUG, and an embedded broker then writes
 * megabytes a second. When nobody configured logging, the servers' own loggers drop to WARN; any
 * {@code logback.xml} / {@code logback-test.xml} or {@code -Dlogback.configurationFile} is left alone.
 */
final class QuietLogging {

    private static final List<String> SERVER_LOGGERS = List.of(
            "kafka", "org.apache.kafka", "state.change.logger", "org.gaul", "org.eclipse.jetty", "org.gaul.shaded");

    private static volatile boolean applied;

    private QuietLogging() {
    }

    static void applyIfUnconfigured() {
        if (applied) {
            return;
        }
        applied = true;
        if (System.getProperty("logback.configurationFile") != null) {
            return;
        }
        ClassLoader loader = QuietLogging.class.getClassLoader();
        if (loader.getResource("logback-test.xml") != null || loader.getResource("logback.xml") != null) {
            return;
        }
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            SERVER_LOGGERS.forEach(name -> context.getLogger(name).setLevel(Level.WARN));
        }
    }
}
