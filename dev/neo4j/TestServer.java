import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.io.ByteUnit;

/**
 * A throwaway Neo4j Community server for tests: one DBMS in HOME, Bolt on 127.0.0.1:PORT (enabled explicitly,
 * no TLS, no HTTP), authentication on, and the built-in user `neo4j` given the password from the environment
 * variable NEO4J_TEST_PASSWORD (never a command-line argument, so it does not show in `ps`).
 *
 * Usage: java -cp 'lib/*:classes' TestServer HOME PORT [--expired]
 *   --expired leaves the password "change required", so clients get Neo.ClientError.Security.CredentialsExpired.
 * Prints "READY <port> <version>" on stdout once Bolt accepts connections; shuts down cleanly when stdin
 * closes or on SIGTERM.
 */
public final class TestServer {
  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: TestServer HOME PORT [--expired]");
      System.exit(2);
    }
    Path home = Path.of(args[0]);
    int port = Integer.parseInt(args[1]);
    boolean expired = args.length > 2 && args[2].equals("--expired");
    String password = System.getenv("NEO4J_TEST_PASSWORD");
    if (password == null || password.length() < 8) {
      System.err.println("TestServer: NEO4J_TEST_PASSWORD must be set (8 characters or more)");
      System.exit(2);
    }

    DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
        .setConfig(BoltConnector.enabled, true)
        .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
        .setConfig(BoltConnector.advertised_address, new SocketAddress("127.0.0.1", port))
        .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
        .setConfig(HttpConnector.enabled, false)
        .setConfig(HttpsConnector.enabled, false)
        .setConfig(GraphDatabaseSettings.auth_enabled, true)
        .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(64))
        .build();
    Runtime.getRuntime().addShutdownHook(new Thread(dbms::shutdown));

    String change = expired ? "CHANGE REQUIRED" : "CHANGE NOT REQUIRED";
    dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME)
        .executeTransactionally("ALTER USER neo4j SET PASSWORD $password " + change, Map.of("password", password));
    String version = org.neo4j.kernel.internal.Version.getNeo4jVersion();

    System.out.println("READY " + port + " " + version);
    System.out.flush();

    // Park until the parent closes our stdin (or kills us: the shutdown hook stops the DBMS).
    InputStream in = System.in;
    try {
      while (in.read() != -1) {
        // ignore input
      }
    } catch (IOException ignored) {
      // parent went away
    }
    System.exit(0);
  }
}
