package io.graphpaint.devstack;

import java.util.List;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;
import org.slf4j.helpers.SubstituteLoggerFactory;

/**
 * Logback without a configuration file logs everything at DEBUG, and an embedded broker then writes
 * megabytes a second. When nobody configured logging, the servers' own loggers drop to WARN; any
 * {@code logback.xml} / {@code logback-test.xml} or {@code -Dlogback.configurationFile} is left alone.
 */
final class QuietLogging {

    private static final List<String> SERVER_LOGGERS = List.of(
            "kafka", "org.apache.kafka", "state.change.logger", "org.gaul", "org.eclipse.jetty", "org.gaul.shaded");

    private static boolean applied;

    private QuietLogging() {
    }

    static synchronized void applyIfUnconfigured() {
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
        // While another thread initialises SLF4J it hands out a temporary factory: wait for the real one.
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        for (int waited = 0; factory instanceof SubstituteLoggerFactory && waited < 100; waited++) {
            sleepBriefly();
            factory = LoggerFactory.getILoggerFactory();
        }
        if (factory instanceof LoggerContext context) {
            SERVER_LOGGERS.forEach(name -> context.getLogger(name).setLevel(Level.WARN));
        }
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
