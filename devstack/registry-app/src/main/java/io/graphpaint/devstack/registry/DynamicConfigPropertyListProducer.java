package io.graphpaint.devstack.registry;

import java.util.List;

import javax.enterprise.context.ApplicationScoped;
import javax.enterprise.inject.Produces;

import io.apicurio.common.apps.config.DynamicConfigPropertyList;

/**
 * The registry asks CDI for the list of its runtime-editable settings. Apicurio's own build generates
 * that bean with a build step that is not published to Maven Central; this registry keeps every
 * setting static (configured in {@code application.properties}), so the list is empty.
 */
@ApplicationScoped
public class DynamicConfigPropertyListProducer {

    @Produces
    @ApplicationScoped
    DynamicConfigPropertyList dynamicConfigPropertyList() {
        return new DynamicConfigPropertyList(List.of());
    }
}
