package dev.evonorm.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.evonorm.graph.CanonicalForm;
import dev.evonorm.graph.GraphJson;
import dev.evonorm.graph.LayerGraph;
import dev.evonorm.screen.FunctionalCache;
import dev.evonorm.screen.Stage;
import dev.evonorm.screen.Verdict;
import dev.evonorm.search.CandidateRecord;
import dev.evonorm.search.Origin;
import dev.evonorm.search.SearchJournal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One run's database (SQLite, one file per run): the run's settings, every candidate as it
 * finishes (graph, canonical form and hashes, parent, stage reached, rejection reason,
 * per-architecture accuracies, time), the population after each candidate, functional hashes,
 * and the search time spent so far. Each candidate is written in one transaction with the
 * population it leaves, so a run killed at any moment resumes from a consistent state.
 */
public final class RunStore implements SearchJournal, FunctionalCache, AutoCloseable {
    public static final String FILE_NAME = "run.db";
    static final String FORMAT = "evonorm-run";
    static final int SCHEMA_VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final Connection db;

    private RunStore(Path file, Connection db) {
        this.file = file;
        this.db = db;
    }

    /** Creates a new run database; refuses to touch an existing file. */
    public static RunStore create(Path file, Map<String, String> settings) {
        if (Files.exists(file)) {
            throw new RunStoreException(file + " already exists; choose a new run folder, or resume it with --resume");
        }
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Connection db = connect(file);
            try (Statement s = db.createStatement()) {
                s.executeUpdate("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
                s.executeUpdate("CREATE TABLE candidates ("
                        + " seq INTEGER PRIMARY KEY AUTOINCREMENT,"
                        + " id INTEGER NOT NULL UNIQUE,"
                        + " origin TEXT NOT NULL,"
                        + " parent_id INTEGER,"
                        + " graph_json TEXT NOT NULL,"
                        + " canonical_json TEXT NOT NULL,"
                        + " structural_hash TEXT NOT NULL,"
                        + " functional_hash TEXT,"
                        + " duplicate_of INTEGER,"
                        + " stage TEXT NOT NULL,"
                        + " accepted INTEGER NOT NULL,"
                        + " reason TEXT NOT NULL,"
                        + " accuracies TEXT NOT NULL,"
                        + " mean_accuracy REAL,"
                        + " seconds REAL NOT NULL,"
                        + " stage_seconds TEXT NOT NULL,"
                        + " recorded_at TEXT NOT NULL)");
                s.executeUpdate("CREATE INDEX candidates_structural ON candidates(structural_hash)");
                s.executeUpdate("CREATE INDEX candidates_mean ON candidates(mean_accuracy)");
                s.executeUpdate("CREATE TABLE population (candidate_id INTEGER PRIMARY KEY, position INTEGER NOT NULL)");
                s.executeUpdate("CREATE TABLE functions (functional_hash TEXT PRIMARY KEY, candidate_id INTEGER NOT NULL)");
            }
            RunStore store = new RunStore(file, db);
            store.inTransaction(() -> {
                store.putMeta("format", FORMAT);
                store.putMeta("schema", Integer.toString(SCHEMA_VERSION));
                store.putMeta("created_at", Instant.now().toString());
                store.putMeta("elapsed_seconds", "0");
                for (Map.Entry<String, String> e : settings.entrySet()) {
                    store.putMeta("setting." + e.getKey(), e.getValue());
                }
            });
            return store;
        } catch (SQLException | java.io.IOException e) {
            throw new RunStoreException("cannot create run database " + file + ": " + e.getMessage()
                    + "; check that the folder is writable", e);
        }
    }

    /**
     * Opens an existing run. A file that is missing, not SQLite, or not an evonorm run is refused
     * without being modified.
     */
    public static RunStore open(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new RunStoreException(file + " does not exist; give the folder of a run created by 'evonorm search'");
        }
        try {
            if (!looksLikeSqlite(file)) {
                throw new RunStoreException(file + " is not an evonorm run database (not SQLite); give the folder of a run created by 'evonorm search'");
            }
            Connection db = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
            RunStore store = new RunStore(file, db);
            Optional<String> format;
            try {
                format = store.meta("format");
            } catch (RunStoreException e) {
                db.close();
                throw new RunStoreException(file + " is not an evonorm run database (no run metadata); give the folder of a run created by 'evonorm search'");
            }
            if (format.isEmpty() || !format.get().equals(FORMAT)) {
                db.close();
                throw new RunStoreException(file + " is not an evonorm run database; give the folder of a run created by 'evonorm search'");
            }
            int schema = Integer.parseInt(store.meta("schema").orElse("0"));
            if (schema != SCHEMA_VERSION) {
                db.close();
                throw new RunStoreException(file + " has run schema " + schema + ", this evonorm reads schema "
                        + SCHEMA_VERSION + "; use the evonorm version that created it");
            }
            configure(db);
            return store;
        } catch (SQLException | java.io.IOException e) {
            throw new RunStoreException("cannot open run database " + file + ": " + e.getMessage(), e);
        }
    }

    private static boolean looksLikeSqlite(Path file) throws java.io.IOException {
        byte[] header = new byte[16];
        try (var in = Files.newInputStream(file)) {
            if (in.readNBytes(header, 0, 16) < 16) {
                return false;
            }
        }
        return new String(header, 0, 15, java.nio.charset.StandardCharsets.US_ASCII).equals("SQLite format 3");
    }

    private static Connection connect(Path file) throws SQLException {
        Connection db = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
        configure(db);
        return db;
    }

    /** WAL with NORMAL sync is durable against a killed process; only a power cut may lose the last commits. */
    private static void configure(Connection db) throws SQLException {
        try (Statement s = db.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("PRAGMA synchronous=NORMAL");
            s.execute("PRAGMA foreign_keys=ON");
        }
    }

    public Path file() {
        return file;
    }

    /** The run's settings as given at creation. */
    public Map<String, String> settings() {
        Map<String, String> out = new LinkedHashMap<>();
        query("SELECT key, value FROM meta WHERE key LIKE 'setting.%' ORDER BY key", rs -> {
            while (rs.next()) {
                out.put(rs.getString(1).substring("setting.".length()), rs.getString(2));
            }
            return null;
        });
        return out;
    }

    public Optional<String> meta(String key) {
        return query("SELECT value FROM meta WHERE key = ?", rs -> rs.next() ? Optional.of(rs.getString(1)) : Optional.empty(), key);
    }

    public void setMeta(String key, String value) {
        inTransaction(() -> putMeta(key, value));
    }

    private void putMeta(String key, String value) throws SQLException {
        try (PreparedStatement p = db.prepareStatement("INSERT INTO meta(key, value) VALUES(?, ?) "
                + "ON CONFLICT(key) DO UPDATE SET value = excluded.value")) {
            p.setString(1, key);
            p.setString(2, value);
            p.executeUpdate();
        }
    }

    @Override
    public List<CandidateRecord> completed() {
        return query("SELECT id, origin, parent_id, graph_json, structural_hash, functional_hash, duplicate_of, stage, "
                + "reason, accuracies, seconds, stage_seconds FROM candidates ORDER BY seq", rs -> {
                    List<CandidateRecord> out = new ArrayList<>();
                    while (rs.next()) {
                        out.add(read(rs));
                    }
                    return out;
                });
    }

    /** The accepted candidates, best mean accuracy first. */
    public List<CandidateRecord> best(int limit) {
        return query("SELECT id, origin, parent_id, graph_json, structural_hash, functional_hash, duplicate_of, stage, "
                + "reason, accuracies, seconds, stage_seconds FROM candidates WHERE accepted = 1 AND duplicate_of IS NULL "
                + "ORDER BY mean_accuracy DESC, id LIMIT " + Math.max(0, limit), rs -> {
                    List<CandidateRecord> out = new ArrayList<>();
                    while (rs.next()) {
                        out.add(read(rs));
                    }
                    return out;
                });
    }

    /** Ids of the current population, oldest first. */
    public List<Long> population() {
        return query("SELECT candidate_id FROM population ORDER BY position", rs -> {
            List<Long> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getLong(1));
            }
            return out;
        });
    }

    @Override
    public void record(CandidateRecord c, List<Long> populationAfter) {
        inTransaction(() -> {
            try (PreparedStatement p = db.prepareStatement("INSERT INTO candidates(id, origin, parent_id, graph_json, "
                    + "canonical_json, structural_hash, functional_hash, duplicate_of, stage, accepted, reason, accuracies, "
                    + "mean_accuracy, seconds, stage_seconds, recorded_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
                Verdict v = c.verdict();
                p.setLong(1, c.id());
                p.setString(2, c.origin().token());
                setNullableId(p, 3, c.parentId());
                p.setString(4, GraphJson.toJson(c.graph()));
                p.setString(5, GraphJson.toJson(CanonicalForm.of(c.graph())));
                p.setString(6, c.structuralHash());
                p.setString(7, v.functionalHash());
                setNullableId(p, 8, c.duplicateOf());
                p.setString(9, v.stage().token());
                p.setInt(10, v.isAccepted() ? 1 : 0);
                p.setString(11, v.reason());
                p.setString(12, json(v.accuracies()));
                if (v.isAccepted()) {
                    p.setDouble(13, c.meanAccuracy());
                } else {
                    p.setNull(13, java.sql.Types.REAL);
                }
                p.setDouble(14, v.seconds());
                p.setString(15, json(v.stageSeconds()));
                p.setString(16, Instant.now().toString());
                p.executeUpdate();
            }
            try (Statement s = db.createStatement()) {
                s.executeUpdate("DELETE FROM population");
            }
            try (PreparedStatement p = db.prepareStatement("INSERT INTO population(candidate_id, position) VALUES (?, ?)")) {
                for (int i = 0; i < populationAfter.size(); i++) {
                    p.setLong(1, populationAfter.get(i));
                    p.setInt(2, i);
                    p.addBatch();
                }
                p.executeBatch();
            }
        });
    }

    @Override
    public OptionalLong claim(String functionalHash, long candidateId) {
        OptionalLong[] result = new OptionalLong[1];
        inTransaction(() -> {
            try (PreparedStatement q = db.prepareStatement("SELECT candidate_id FROM functions WHERE functional_hash = ?")) {
                q.setString(1, functionalHash);
                try (ResultSet rs = q.executeQuery()) {
                    if (rs.next()) {
                        long owner = rs.getLong(1);
                        // Its own claim: the candidate was in flight when an earlier session died.
                        result[0] = owner == candidateId ? OptionalLong.empty() : OptionalLong.of(owner);
                        return;
                    }
                }
            }
            try (PreparedStatement p = db.prepareStatement("INSERT INTO functions(functional_hash, candidate_id) VALUES (?, ?)")) {
                p.setString(1, functionalHash);
                p.setLong(2, candidateId);
                p.executeUpdate();
            }
            result[0] = OptionalLong.empty();
        });
        return result[0];
    }

    /**
     * Forgets functional-hash claims of candidates that were never recorded: they were in flight when
     * an earlier session was killed, so no evaluation stands behind them, and a later candidate with
     * the same function must be evaluated rather than called a duplicate of nothing. Called when a
     * run resumes (never by read-only commands).
     *
     * @return how many claims were dropped
     */
    public int forgetUnrecordedClaims() {
        int[] dropped = new int[1];
        inTransaction(() -> {
            try (Statement s = db.createStatement()) {
                dropped[0] = s.executeUpdate("DELETE FROM functions WHERE candidate_id NOT IN (SELECT id FROM candidates)");
            }
        });
        return dropped[0];
    }

    @Override
    public double elapsedSeconds() {
        return Double.parseDouble(meta("elapsed_seconds").orElse("0"));
    }

    @Override
    public void saveElapsedSeconds(double seconds) {
        setMeta("elapsed_seconds", Double.toString(seconds));
    }

    @Override
    public synchronized void close() {
        try {
            db.close();
        } catch (SQLException e) {
            throw new RunStoreException("cannot close " + file + ": " + e.getMessage(), e);
        }
    }

    private CandidateRecord read(ResultSet rs) throws SQLException {
        LayerGraph graph = GraphJson.parse(rs.getString(4));
        Stage stage = Stage.valueOf(rs.getString(8).toUpperCase(java.util.Locale.ROOT));
        double[] accuracies = parse(rs.getString(10), double[].class);
        Map<String, Double> stageSeconds = parse(rs.getString(12), new TypeReference<Map<String, Double>>() { });
        Verdict v = new Verdict(stage, rs.getString(9), accuracies, rs.getString(6), rs.getDouble(11), stageSeconds);
        return new CandidateRecord(rs.getLong(1), Origin.fromToken(rs.getString(2)), rs.getLong(3), graph,
                rs.getString(5), rs.getLong(7), v);
    }

    private static void setNullableId(PreparedStatement p, int index, long id) throws SQLException {
        if (id == 0) {
            p.setNull(index, java.sql.Types.INTEGER);
        } else {
            p.setLong(index, id);
        }
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private <T> T parse(String text, Class<T> type) {
        try {
            return JSON.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new RunStoreException(file + " has a corrupt candidate row (" + e.getOriginalMessage() + ")", e);
        }
    }

    private <T> T parse(String text, TypeReference<T> type) {
        try {
            return JSON.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new RunStoreException(file + " has a corrupt candidate row (" + e.getOriginalMessage() + ")", e);
        }
    }

    @FunctionalInterface
    private interface SqlWork {
        void run() throws SQLException;
    }

    @FunctionalInterface
    private interface RowReader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /**
     * Synchronized, like {@link #query} and {@link #close}: a search shares one store between its
     * loop and its evaluator's threads, and a JDBC connection's transaction state is the connection's,
     * so unserialized one thread's commit ended another's transaction.
     */
    private synchronized void inTransaction(SqlWork work) {
        try {
            db.setAutoCommit(false);
            try {
                work.run();
                db.commit();
            } catch (SQLException | RuntimeException e) {
                db.rollback();
                throw e;
            } finally {
                db.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new RunStoreException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private synchronized <T> T query(String sql, RowReader<T> reader, Object... args) {
        try (PreparedStatement p = db.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                p.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = p.executeQuery()) {
                return reader.read(rs);
            }
        } catch (SQLException e) {
            throw new RunStoreException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
