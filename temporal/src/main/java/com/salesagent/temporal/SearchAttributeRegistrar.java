package com.salesagent.temporal;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.api.operatorservice.v1.ListSearchAttributesRequest;
import io.temporal.serviceclient.OperatorServiceStubs;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the search-attribute catalogue on whatever server is used (dev server or a real one).
 * Idempotent: attributes that exist with the right type are left alone; one that exists with
 * another type is a start-up error, since the Web UI filters would silently misbehave.
 *
 * <p>Temporal Cloud refuses a client's AddSearchAttributes (its attributes are managed with tcld,
 * the Cloud Ops API or Terraform): there, and when registration is switched off, the attributes are
 * only checked, and missing ones are a start-up error that prints the commands creating them.
 */
public final class SearchAttributeRegistrar {
  private static final Logger LOG = LoggerFactory.getLogger(SearchAttributeRegistrar.class);
  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
  static final String SKIP_SETTING = "TEMPORAL_REGISTER_SEARCH_ATTRIBUTES";

  private SearchAttributeRegistrar() {}

  /** Returns the names that were added by this call (empty when all were present). */
  public static Map<String, IndexedValueType> register(
      OperatorServiceStubs operator, String namespace, Map<String, IndexedValueType> wanted) {
    return ensure(operator, namespace, wanted, true, DEFAULT_TIMEOUT);
  }

  /**
   * Checks that {@code wanted} exist in {@code namespace} and, if {@code register}, adds the
   * missing ones. Each call to the server has {@code timeout} as deadline. Returns the names added.
   *
   * @throws StartupException when an attribute has another type, or missing ones cannot be added
   * @throws StatusRuntimeException for what the caller may retry (NOT_FOUND while a new namespace
   *     propagates, UNAVAILABLE) or report (UNAUTHENTICATED)
   */
  public static Map<String, IndexedValueType> ensure(
      OperatorServiceStubs operator,
      String namespace,
      Map<String, IndexedValueType> wanted,
      boolean register,
      Duration timeout) {
    Optional<Map<String, IndexedValueType>> listed = existing(operator, namespace, timeout);
    Map<String, IndexedValueType> existing = listed.orElse(Map.of());
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
      LOG.info("Search attributes {} are present in namespace {}", wanted.keySet(), namespace);
      return missing;
    }
    if (!register) {
      if (listed.isEmpty()) {
        LOG.warn(
            "Cannot check the search attributes of namespace {}: the server does not list them"
                + " (ListSearchAttributes UNIMPLEMENTED) and {}=false",
            namespace,
            SKIP_SETTING);
        return Map.of();
      }
      throw new StartupException(
          missingMessage(
              namespace, missing, "registration is off (" + SKIP_SETTING + "=false)", false));
    }
    try {
      operator
          .blockingStub()
          .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .addSearchAttributes(
              AddSearchAttributesRequest.newBuilder()
                  .setNamespace(namespace)
                  .putAllSearchAttributes(missing)
                  .build());
      LOG.info("Registered search attributes {} in namespace {}", missing.keySet(), namespace);
    } catch (StatusRuntimeException e) {
      Status.Code code = e.getStatus().getCode();
      // Two processes (API and worker) may race to register: the loser sees ALREADY_EXISTS.
      if (code == Status.Code.ALREADY_EXISTS) {
        return missing;
      }
      // Temporal Cloud: the namespace answers, but a client may not change its attributes.
      if (code == Status.Code.PERMISSION_DENIED || code == Status.Code.UNIMPLEMENTED) {
        throw new StartupException(
            missingMessage(
                namespace,
                missing,
                "the server refused to add them ("
                    + code
                    + "; Temporal Cloud does: there they are managed with tcld, the Cloud Ops API"
                    + " or Terraform)",
                listed.isEmpty()),
            e);
      }
      throw e;
    }
    return missing;
  }

  /** The search attributes of the namespace, or empty when the server cannot list them. */
  private static Optional<Map<String, IndexedValueType>> existing(
      OperatorServiceStubs operator, String namespace, Duration timeout) {
    try {
      return Optional.of(
          operator
              .blockingStub()
              .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
              .listSearchAttributes(
                  ListSearchAttributesRequest.newBuilder().setNamespace(namespace).build())
              .getCustomAttributesMap());
    } catch (StatusRuntimeException e) {
      // the Java test server behind the embedded default does not implement it
      if (e.getStatus().getCode() == Status.Code.UNIMPLEMENTED) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** One line of cause, then the commands that create exactly {@code missing}. */
  static String missingMessage(
      String namespace, Map<String, IndexedValueType> missing, String reason, boolean unlisted) {
    String list =
        missing.entrySet().stream()
            .map(e -> e.getKey() + " (" + typeName(e.getValue()) + ")")
            .collect(Collectors.joining(", "));
    String tcld =
        missing.entrySet().stream()
            .map(e -> " --search-attribute \"" + e.getKey() + "=" + typeName(e.getValue()) + "\"")
            .collect(
                Collectors.joining(
                    "", "tcld namespace search-attributes add --namespace " + namespace, ""));
    String cli =
        missing.entrySet().stream()
            .map(e -> " --name " + e.getKey() + " --type " + typeName(e.getValue()))
            .collect(
                Collectors.joining(
                    "", "temporal operator search-attribute create --namespace " + namespace, ""));
    Map.Entry<String, IndexedValueType> first = missing.entrySet().iterator().next();
    return "Temporal namespace "
        + namespace
        + (unlisted ? " may lack" : " lacks")
        + " the search attributes "
        + list
        + " and "
        + reason
        + ". Create them once, then start again:\n"
        + "  "
        + tcld
        + "\n"
        + "  (on Temporal Cloud the namespace is <name>.<account id>, as TEMPORAL_NAMESPACE must be;"
        + " with Terraform: one resource \"temporalcloud_namespace_search_attribute\" per attribute,"
        + " e.g. name = \""
        + first.getKey()
        + "\", type = \""
        + typeName(first.getValue())
        + "\"; on a self-hosted server: "
        + cli
        + ")\n"
        + "With "
        + SKIP_SETTING
        + "=false start-up does not try to add them, and only checks that they exist.";
  }

  /** The type names of tcld, Terraform and the temporal CLI. */
  static String typeName(IndexedValueType type) {
    return switch (type) {
      case INDEXED_VALUE_TYPE_KEYWORD -> "Keyword";
      case INDEXED_VALUE_TYPE_TEXT -> "Text";
      case INDEXED_VALUE_TYPE_INT -> "Int";
      case INDEXED_VALUE_TYPE_DOUBLE -> "Double";
      case INDEXED_VALUE_TYPE_BOOL -> "Bool";
      case INDEXED_VALUE_TYPE_DATETIME -> "Datetime";
      case INDEXED_VALUE_TYPE_KEYWORD_LIST -> "KeywordList";
      default -> type.name();
    };
  }
}
