package io.graphpaint.schemas.registry;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * Settings of the schema registry client. The keys are Confluent's, so that a producer or consumer
 * configuration written for Confluent's serializers carries over unchanged.
 *
 * <p>Basic-auth credentials are accepted both as {@code basic.auth.user.info} and with the
 * {@code schema.registry.} prefix, as Confluent's client does. Credentials are {@link Password}s:
 * Kafka's config logging prints them as {@code [hidden]}.
 */
public class SchemaRegistryConfig extends AbstractConfig {

  public static final String URL = "schema.registry.url";
  public static final String BASIC_AUTH_CREDENTIALS_SOURCE = "basic.auth.credentials.source";
  public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
  public static final String PREFIXED_BASIC_AUTH_USER_INFO = "schema.registry.basic.auth.user.info";
  public static final String SSL_TRUSTSTORE_LOCATION = "schema.registry.ssl.truststore.location";
  public static final String SSL_TRUSTSTORE_PASSWORD = "schema.registry.ssl.truststore.password";
  public static final String SSL_TRUSTSTORE_TYPE = "schema.registry.ssl.truststore.type";
  public static final String SSL_KEYSTORE_LOCATION = "schema.registry.ssl.keystore.location";
  public static final String SSL_KEYSTORE_PASSWORD = "schema.registry.ssl.keystore.password";
  public static final String SSL_KEYSTORE_TYPE = "schema.registry.ssl.keystore.type";
  public static final String SSL_KEY_PASSWORD = "schema.registry.ssl.key.password";
  public static final String SSL_PROTOCOL = "schema.registry.ssl.protocol";
  public static final String CONNECT_TIMEOUT_MS = "http.connect.timeout.ms";
  public static final String READ_TIMEOUT_MS = "http.read.timeout.ms";
  public static final String MAX_SCHEMAS_PER_SUBJECT = "max.schemas.per.subject";
  public static final String MISSING_ID_CACHE_TTL_SEC = "missing.id.cache.ttl.sec";

  /** Where basic-auth credentials come from. */
  public enum CredentialsSource {
    /** {@code basic.auth.user.info = user:password}. */
    USER_INFO,
    /** The user-info part of {@code schema.registry.url}, {@code https://user:password@host}. */
    URL
  }

  private static final ConfigDef DEFINITION = define(new ConfigDef());

  public SchemaRegistryConfig(Map<?, ?> originals) {
    this(DEFINITION, originals);
  }

  protected SchemaRegistryConfig(ConfigDef definition, Map<?, ?> originals) {
    super(definition, originals, false);
    if (urls().isEmpty()) {
      throw new ConfigException(URL, "", "at least one registry URL is required, e.g. http://localhost:8081");
    }
    for (String url : urls()) {
      if (!url.startsWith("http://") && !url.startsWith("https://")) {
        throw new ConfigException(URL, url, "each URL must start with http:// or https://");
      }
    }
    String userInfo = userInfo();
    if (userInfo != null && !userInfo.isEmpty() && userInfo.indexOf(':') < 0) {
      throw new ConfigException(BASIC_AUTH_USER_INFO, "[hidden]", "expected user:password");
    }
  }

  /** Adds the registry client's keys to {@code definition} (the serde configs extend them). */
  public static ConfigDef define(ConfigDef definition) {
    return definition
        .define(URL, Type.LIST, ConfigDef.NO_DEFAULT_VALUE, Importance.HIGH,
            "Comma-separated registry base URLs, tried in order when one is unreachable. A base path "
                + "is kept, e.g. http://host:8080/apis/ccompat/v7 for Apicurio's Confluent-compatible API.")
        .define(BASIC_AUTH_CREDENTIALS_SOURCE, Type.STRING, CredentialsSource.USER_INFO.name(),
            ValidString.in(CredentialsSource.USER_INFO.name(), CredentialsSource.URL.name()),
            Importance.MEDIUM, "Where basic-auth credentials come from: USER_INFO or URL.")
        .define(BASIC_AUTH_USER_INFO, Type.PASSWORD, null, Importance.MEDIUM,
            "Basic-auth credentials as user:password (with credentials source USER_INFO).")
        .define(PREFIXED_BASIC_AUTH_USER_INFO, Type.PASSWORD, null, Importance.LOW,
            "Same as basic.auth.user.info; wins when both are set.")
        .define(SSL_TRUSTSTORE_LOCATION, Type.STRING, null, Importance.MEDIUM,
            "Trust store file for https registry URLs; the JVM's default trust when absent.")
        .define(SSL_TRUSTSTORE_PASSWORD, Type.PASSWORD, null, Importance.MEDIUM, "Trust store password.")
        .define(SSL_TRUSTSTORE_TYPE, Type.STRING, "PKCS12", Importance.LOW, "Trust store type (PKCS12, JKS).")
        .define(SSL_KEYSTORE_LOCATION, Type.STRING, null, Importance.MEDIUM,
            "Key store file with the client certificate, for registries that require mutual TLS.")
        .define(SSL_KEYSTORE_PASSWORD, Type.PASSWORD, null, Importance.MEDIUM, "Key store password.")
        .define(SSL_KEYSTORE_TYPE, Type.STRING, "PKCS12", Importance.LOW, "Key store type (PKCS12, JKS).")
        .define(SSL_KEY_PASSWORD, Type.PASSWORD, null, Importance.LOW,
            "Password of the private key; the key store password when absent.")
        .define(SSL_PROTOCOL, Type.STRING, "TLSv1.3", Importance.LOW, "TLS protocol of the SSLContext.")
        .define(CONNECT_TIMEOUT_MS, Type.INT, 10_000, ConfigDef.Range.atLeast(1), Importance.LOW,
            "Connect timeout of registry calls, milliseconds.")
        .define(READ_TIMEOUT_MS, Type.INT, 30_000, ConfigDef.Range.atLeast(1), Importance.LOW,
            "Time a registry call may take in all, milliseconds.")
        .define(MAX_SCHEMAS_PER_SUBJECT, Type.INT, 1000, ConfigDef.Range.atLeast(1), Importance.LOW,
            "Distinct schemas cached per subject; more is a sign of schemas built per record.")
        .define(MISSING_ID_CACHE_TTL_SEC, Type.LONG, 0L, ConfigDef.Range.atLeast(0), Importance.LOW,
            "Seconds to remember that a schema id was not found, so that a stream of garbage records with "
                + "random ids does not cost one registry call each; 0 (the default) asks every time, which "
                + "suits registries whose replicas may lag behind a fresh registration.");
  }

  public List<String> urls() {
    return getList(URL).stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  public CredentialsSource credentialsSource() {
    return CredentialsSource.valueOf(getString(BASIC_AUTH_CREDENTIALS_SOURCE));
  }

  /** {@code user:password}, or null when no basic auth is configured. */
  public String userInfo() {
    if (credentialsSource() == CredentialsSource.URL) {
      for (String url : urls()) {
        String userInfo = java.net.URI.create(url).getRawUserInfo();
        if (userInfo != null) {
          return java.net.URLDecoder.decode(userInfo, java.nio.charset.StandardCharsets.UTF_8);
        }
      }
      return null;
    }
    Password prefixed = getPassword(PREFIXED_BASIC_AUTH_USER_INFO);
    Password plain = getPassword(BASIC_AUTH_USER_INFO);
    Password chosen = prefixed != null ? prefixed : plain;
    return chosen == null ? null : chosen.value();
  }

  public String truststoreLocation() {
    return getString(SSL_TRUSTSTORE_LOCATION);
  }

  public char[] truststorePassword() {
    return chars(getPassword(SSL_TRUSTSTORE_PASSWORD));
  }

  public String truststoreType() {
    return getString(SSL_TRUSTSTORE_TYPE);
  }

  public String keystoreLocation() {
    return getString(SSL_KEYSTORE_LOCATION);
  }

  public char[] keystorePassword() {
    return chars(getPassword(SSL_KEYSTORE_PASSWORD));
  }

  public String keystoreType() {
    return getString(SSL_KEYSTORE_TYPE);
  }

  public char[] keyPassword() {
    Password key = getPassword(SSL_KEY_PASSWORD);
    return key != null ? chars(key) : keystorePassword();
  }

  public String sslProtocol() {
    return getString(SSL_PROTOCOL);
  }

  public int connectTimeoutMs() {
    return getInt(CONNECT_TIMEOUT_MS);
  }

  public int readTimeoutMs() {
    return getInt(READ_TIMEOUT_MS);
  }

  public long missingIdCacheTtlSeconds() {
    return getLong(MISSING_ID_CACHE_TTL_SEC);
  }

  public int maxSchemasPerSubject() {
    return getInt(MAX_SCHEMAS_PER_SUBJECT);
  }

  /** The definition, for documentation (e.g. {@code configDef().toRst()}). */
  public static ConfigDef configDef() {
    return new ConfigDef(DEFINITION);
  }

  private static char[] chars(Password password) {
    return password == null ? null : password.value().toCharArray();
  }
}
