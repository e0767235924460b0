package io.graphpaint.devstack;

import org.junit.jupiter.api.BeforeEach;

/** The infrastructure contract against the embedded stack shared by the whole test run. */
@WithDevStack(scope = WithDevStack.Scope.SUITE)
class EmbeddedInfrastructureTest extends InfrastructureContract {

    private DevStack stack;

    @BeforeEach
    void useSuiteStack(DevStack stack) {
        this.stack = stack;
    }

    @Override
    protected String bootstrapServers() {
        return stack.bootstrapServers();
    }

    @Override
    protected String schemaRegistryUrl() {
        return stack.schemaRegistryUrl();
    }

    @Override
    protected String s3Endpoint() {
        return stack.s3Endpoint();
    }

    @Override
    protected String s3AccessKey() {
        return stack.s3().accessKey();
    }

    @Override
    protected String s3SecretKey() {
        return stack.s3().secretKey();
    }

    @Override
    protected String s3Region() {
        return stack.s3().region();
    }
}
