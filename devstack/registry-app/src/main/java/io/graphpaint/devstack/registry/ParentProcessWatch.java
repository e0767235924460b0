package io.graphpaint.devstack.registry;

import java.util.Optional;

import javax.enterprise.context.ApplicationScoped;
import javax.enterprise.event.Observes;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.StartupEvent;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * When started by a graphpaint process ({@code -Dgraphpaint.registry.parent-pid=PID}), the registry
 * exits as soon as that process is gone, even if it was killed without running its shutdown hooks,
 * so no registry is left behind by a crashed test run.
 */
@ApplicationScoped
public class ParentProcessWatch {

    private static final Logger LOG = Logger.getLogger(ParentProcessWatch.class);

    @ConfigProperty(name = "graphpaint.registry.parent-pid")
    Optional<Long> parentPid;

    void onStart(@Observes StartupEvent started) {
        parentPid.ifPresent(pid -> {
            Optional<ProcessHandle> parent = ProcessHandle.of(pid);
            if (parent.isEmpty()) {
                LOG.warnf("Parent process %d is already gone; stopping the registry", pid);
                Quarkus.asyncExit(0);
                return;
            }
            parent.get().onExit().thenRun(() -> {
                LOG.infof("Parent process %d exited; stopping the registry", pid);
                Quarkus.asyncExit(0);
            });
        });
    }
}
