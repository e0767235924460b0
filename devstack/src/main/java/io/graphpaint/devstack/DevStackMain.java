package io.graphpaint.devstack;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * Runs graphpaint's infrastructure on this machine until Ctrl-C: a Kafka broker, a schema registry
 * and an S3 server, with their endpoints printed for clients.
 *
 * <pre>
 * java -cp ... io.graphpaint.devstack.DevStackMain [--data-dir DIR] [--kafka-port N] [--kafka-controller-port N]
 *      [--registry-port N] [--s3-port N] [--s3-access-key KEY --s3-secret-key SECRET] [--parts kafka,schema-registry,s3]
 *      [--exit-after-start]
 * </pre>
 *
 * Every option can also come from the environment ({@code GRAPHPAINT_DEVSTACK_DATA_DIR},
 * {@code GRAPHPAINT_KAFKA_PORT}, {@code GRAPHPAINT_KAFKA_CONTROLLER_PORT}, {@code GRAPHPAINT_REGISTRY_PORT},
 * {@code GRAPHPAINT_S3_PORT}, {@code GRAPHPAINT_S3_ACCESS_KEY}, {@code GRAPHPAINT_S3_SECRET_KEY},
 * {@code GRAPHPAINT_DEVSTACK_PARTS}); options win. A port of 0 means any free port.
 */
public final class DevStackMain {

    /** The ports clients expect by convention; {@code 0} picks a free one. */
    public static final int DEFAULT_KAFKA_PORT = 9092;
    public static final int DEFAULT_KAFKA_CONTROLLER_PORT = 9093;
    public static final int DEFAULT_REGISTRY_PORT = 8081;
    public static final int DEFAULT_S3_PORT = 9000;
    public static final Path DEFAULT_DATA_DIR = Path.of(".graphpaint", "devstack");

    private static final Map<String, String> OPTION_TO_ENVIRONMENT = Map.of(
            "--data-dir", "GRAPHPAINT_DEVSTACK_DATA_DIR",
            "--kafka-port", "GRAPHPAINT_KAFKA_PORT",
            "--kafka-controller-port", "GRAPHPAINT_KAFKA_CONTROLLER_PORT",
            "--registry-port", "GRAPHPAINT_REGISTRY_PORT",
            "--s3-port", "GRAPHPAINT_S3_PORT",
            "--s3-access-key", "GRAPHPAINT_S3_ACCESS_KEY",
            "--s3-secret-key", "GRAPHPAINT_S3_SECRET_KEY",
            "--parts", "GRAPHPAINT_DEVSTACK_PARTS");

    private DevStackMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Options options;
        try {
            options = Options.parse(args, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("devstack: " + e.getMessage());
            System.err.println(usage());
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.println(usage());
            return;
        }
        run(options, System.out);
    }

    /** Starts the stack, prints its endpoints and blocks until the JVM shuts down (or returns at once with --exit-after-start). */
    public static void run(Options options, PrintStream out) throws InterruptedException {
        DevStack stack = DevStack.start(options.config());
        out.println("graphpaint devstack is up (" + stack.totalStartupMillis() + " ms):");
        out.print(stack.describe());
        if (options.exitAfterStart()) {
            long stopping = System.nanoTime();
            stack.close();
            out.println("stopped in " + java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopping) + " ms");
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                stack.close();
            } finally {
                stopped.countDown();
            }
        }, "graphpaint-devstack-shutdown"));
        out.println("Press Ctrl-C to stop.");
        stopped.await();
    }

    public static String usage() {
        return String.join("\n",
                "usage: devstack [--data-dir DIR] [--kafka-port N] [--kafka-controller-port N] [--registry-port N] [--s3-port N]",
                "                [--s3-access-key KEY --s3-secret-key SECRET] [--parts kafka,schema-registry,s3] [--exit-after-start]",
                "  --data-dir DIR   broker log, S3 objects and registry log (default " + DEFAULT_DATA_DIR + "; kept across restarts)",
                "  ports            default kafka " + DEFAULT_KAFKA_PORT + ", controller " + DEFAULT_KAFKA_CONTROLLER_PORT
                        + ", registry " + DEFAULT_REGISTRY_PORT + ", s3 " + DEFAULT_S3_PORT + "; 0 = any free port",
                "  --s3-access-key / --s3-secret-key   fixed S3 credentials (default: generated, printed at start)",
                "  --exit-after-start                  start, print the endpoints and start times, stop",
                "  environment: " + String.join(", ", OPTION_TO_ENVIRONMENT.values().stream().sorted().toList()));
    }

    /** Parsed command line. */
    public record Options(DevStack.Config config, boolean exitAfterStart, boolean help) {

        public static Options parse(String[] args, Map<String, String> environment) {
            Map<String, String> values = new java.util.HashMap<>();
            OPTION_TO_ENVIRONMENT.forEach((option, variable) -> {
                String value = environment.get(variable);
                if (value != null && !value.isBlank()) {
                    values.put(option, value);
                }
            });
            boolean exitAfterStart = false;
            boolean help = false;
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                if (arg.equals("--help") || arg.equals("-h")) {
                    help = true;
                } else if (arg.equals("--exit-after-start")) {
                    exitAfterStart = true;
                } else if (OPTION_TO_ENVIRONMENT.containsKey(arg)) {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException(arg + " needs a value");
                    }
                    values.put(arg, args[++i]);
                } else {
                    throw new IllegalArgumentException("unknown option " + arg + "; allowed: --help, --exit-after-start, "
                            + String.join(", ", OPTION_TO_ENVIRONMENT.keySet().stream().sorted().toList()));
                }
            }
            DevStack.Config.Builder config = DevStack.Config.builder()
                    .dataDir(Path.of(values.getOrDefault("--data-dir", DEFAULT_DATA_DIR.toString())))
                    .kafkaPort(port(values, "--kafka-port", DEFAULT_KAFKA_PORT))
                    .kafkaControllerPort(port(values, "--kafka-controller-port", DEFAULT_KAFKA_CONTROLLER_PORT))
                    .schemaRegistryPort(port(values, "--registry-port", DEFAULT_REGISTRY_PORT))
                    .s3Port(port(values, "--s3-port", DEFAULT_S3_PORT))
                    .parts(parts(values.get("--parts")));
            if (values.containsKey("--s3-access-key") || values.containsKey("--s3-secret-key")) {
                config.s3Credentials(values.get("--s3-access-key"), values.get("--s3-secret-key"));
            }
            return new Options(config.build(), exitAfterStart, help);
        }

        private static int port(Map<String, String> values, String option, int fallback) {
            String value = values.get(option);
            if (value == null) {
                return fallback;
            }
            try {
                int port = Integer.parseInt(value.trim());
                return FreePorts.checkPort(option, port);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + " must be a port number within [0, 65535] (0 = any free port), got '" + value + "'");
            }
        }

        private static Set<DevStack.Part> parts(String value) {
            if (value == null || value.isBlank()) {
                return EnumSet.allOf(DevStack.Part.class);
            }
            List<DevStack.Part> parts = new ArrayList<>();
            for (String name : value.split(",")) {
                String normalized = name.trim().toUpperCase(Locale.ROOT).replace('-', '_');
                try {
                    parts.add(DevStack.Part.valueOf(normalized));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("--parts: unknown part '" + name.trim() + "'; allowed: kafka, schema-registry, s3");
                }
            }
            return EnumSet.copyOf(parts);
        }
    }
}
