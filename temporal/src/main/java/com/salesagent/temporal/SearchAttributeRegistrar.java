package com.salesagent.temporal;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.api.operatorservice.v1.ListSearchAttributesRequest;
import io.temporal.api.operatorservice.v1.ListSearchAttributesResponse;
import io.temporal.serviceclient.OperatorServiceStubs;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the search-attribute catalogue on whatever server is used (dev server or a real one).
 * Idempotent: attributes that exist with the right type are left alone; one that exists with
 * another type is a start-up error, since the Web UI filters would silently misbehave.
 */
public final class SearchAttributeRegistrar {
  private static final Logger LOG = LoggerFactory.getLogger(SearchAttributeRegistrar.class);

  private SearchAttributeRegistrar() {}

  /** Returns the names that were added by this call (empty when all were present). */
  public static Map<String, IndexedValueType> register(
      OperatorServiceStubs operator, String namespace, Map<String, IndexedValueType> wanted) {
    Map<String, IndexedValueType> existing = existing(operator, namespace);
    Map<String, IndexedValueType> missing = new LinkedHashMap<>();
    wanted.forEach(
        (name, type) -> {
          IndexedValueType current = existing.get(name);
          if (current == null) {
            missing.put(name, type);
          } else if (current != type) {
            throw new StartupException(
                "Temporal search attribute "
                    + name
                    + " exists in namespace "
                    + namespace
                    + " as "
                    + current
                    + " but this system needs "
                    + type
                    + "; remove it with 'temporal operator search-attribute remove' or use another"
                    + " namespace (TEMPORAL_NAMESPACE)");
          }
        });
    if (missing.isEmpty()) {
      return missing;
    }
    try {
      operator
          .blockingStub()
          .addSearchAttributes(
              AddSearchAttributesRequest.newBuilder()
                  .setNamespace(namespace)
                  .putAllSearchAttributes(missing)
                  .build());
      LOG.info("Registered search attributes {} in namespace {}", missing.keySet(), namespace);
    } catch (StatusRuntimeException e) {
      // Two processes (API and worker) may race to register: the loser sees ALREADY_EXISTS.
      if (e.getStatus().getCode() != Status.Code.ALREADY_EXISTS) {
        throw e;
      }
    }
    return missing;
  }

  private static Map<String, IndexedValueType> existing(
      OperatorServiceStubs operator, String namespace) {
    try {
      ListSearchAttributesResponse response =
          operator
              .blockingStub()
              .listSearchAttributes(
                  ListSearchAttributesRequest.newBuilder().setNamespace(namespace).build());
      return response.getCustomAttributesMap();
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.UNIMPLEMENTED) {
        return Map.of();
      }
      throw e;
    }
  }
}
