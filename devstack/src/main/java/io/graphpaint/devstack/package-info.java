/**
 * Real infrastructure for graphpaint's integration tests and its one-command local run.
 *
 * <ul>
 *   <li>{@link io.graphpaint.devstack.EmbeddedKafka}: an Apache Kafka broker (KRaft, broker and
 *       controller in one node) inside this JVM, transactions enabled.</li>
 *   <li>{@link io.graphpaint.devstack.EmbeddedSchemaRegistry}: Apicurio Registry in its own process,
 *       speaking the Confluent schema registry API under {@code /apis/ccompat/v7}. Its runnable jar is
 *       built by the {@code devstack/registry-app} module ({@code mvn -pl devstack/registry-app package}).</li>
 *   <li>{@link io.graphpaint.devstack.EmbeddedS3}: S3Proxy, an S3-compatible server checking AWS
 *       signatures, objects on disk or in memory.</li>
 *   <li>{@link io.graphpaint.devstack.DevStack}: the three together, started in parallel.</li>
 *   <li>{@link io.graphpaint.devstack.WithDevStack} / {@link io.graphpaint.devstack.DevStackExtension}:
 *       a started stack for JUnit 5 tests, per class or shared by the whole run.</li>
 *   <li>{@link io.graphpaint.devstack.DevStackMain}: runs the stack until Ctrl-C and prints the
 *       endpoints.</li>
 * </ul>
 *
 * <p>Typical test:
 * <pre>{@code
 * @WithDevStack(scope = WithDevStack.Scope.SUITE)
 * class RequestFlowIT {
 *     @Test
 *     void requestIsCompleted(DevStack stack) {
 *         stack.kafka().createTopics(List.of(new NewTopic("graphpaint.requests", 12, (short) 1)));
 *         String bootstrap = stack.bootstrapServers();
 *         String registryUrl = stack.schemaRegistryUrl();
 *         String s3 = stack.s3Endpoint(); // keys: stack.s3().accessKey(), secretKey(), region()
 *     }
 * }
 * }</pre>
 */
package io.graphpaint.devstack;
