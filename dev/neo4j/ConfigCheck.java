import java.nio.file.Path;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;

/**
 * Boots a real Neo4j with a neo4j.conf the infrastructure generates, to prove the file is valid for this Neo4j
 * version (strict validation rejects unknown settings) and that Bolt starts with it. Only what cannot hold on a
 * test machine is overridden: the data directory (HOME) and the Bolt address (127.0.0.1:PORT). Memory settings
 * are read and validated but do not size an embedded server.
 *
 * Usage: java -cp 'lib/*:classes' ConfigCheck CONF HOME PORT
 * Prints "STARTED <bolt address>" and exits 0, or "INVALID <reason>" (one line) and exits 1.
 */
public final class ConfigCheck {
  public static void main(String[] args) {
    if (args.length != 3) {
      System.err.println("usage: ConfigCheck CONF HOME PORT");
      System.exit(2);
    }
    try {
      SocketAddress bolt = new SocketAddress("127.0.0.1", Integer.parseInt(args[2]));
      new DatabaseManagementServiceBuilder(Path.of(args[1]))
          .loadPropertiesFromFile(Path.of(args[0]))
          .setConfig(GraphDatabaseSettings.data_directory, Path.of(args[1], "data"))
          .setConfig(BoltConnector.listen_address, bolt)
          .build();
      System.out.println("STARTED " + bolt);
      System.out.flush();
      // The data folder is thrown away: skip the clean shutdown (Bolt's graceful stop alone takes ~10 s).
      Runtime.getRuntime().halt(0);
    } catch (Throwable e) {
      Throwable root = e;
      while (root.getCause() != null) root = root.getCause();
      System.out.println("INVALID " + String.valueOf(root.getMessage()).replace('\n', ' '));
      System.exit(1);
    }
  }
}
