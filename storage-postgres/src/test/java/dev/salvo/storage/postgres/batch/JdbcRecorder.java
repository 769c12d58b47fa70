package dev.salvo.storage.postgres.batch;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Records the prepared statements the adapter runs as plain JDBC, with the values bound to them, so a
 * test can EXPLAIN exactly what was executed (jOOQ's statements are seen by an ExecuteListener instead).
 */
final class JdbcRecorder {

    /** One execution: its text and its setter calls in order. */
    record Recorded(String sql, List<Bind> binds) {

        /** The plan of this statement with the same values, on {@code connection}. */
        String explain(Connection connection) throws SQLException {
            StringBuilder plan = new StringBuilder();
            try (PreparedStatement explain = connection.prepareStatement("explain " + sql)) {
                for (Bind bind : binds) {
                    try {
                        bind.method().invoke(explain, bind.args());
                    } catch (IllegalAccessException | InvocationTargetException e) {
                        throw new SQLException("cannot replay " + bind.method().getName(), e);
                    }
                }
                try (ResultSet rs = explain.executeQuery()) {
                    while (rs.next()) {
                        plan.append(rs.getString(1)).append('\n');
                    }
                }
            }
            return plan.toString();
        }
    }

    record Bind(Method method, Object[] args) {
    }

    private final List<Recorded> recorded = new ArrayList<>();

    DataSource wrap(DataSource dataSource) {
        return (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
            Object result = invoke(dataSource, method, args);
            return result instanceof Connection c ? connection(c) : result;
        });
    }

    synchronized void clear() {
        recorded.clear();
    }

    synchronized List<Recorded> recorded() {
        return List.copyOf(recorded);
    }

    private Connection connection(Connection connection) {
        return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> {
            Object result = invoke(connection, method, args);
            if (method.getName().equals("prepareStatement") && result instanceof PreparedStatement statement) {
                return statement((String) args[0], statement);
            }
            return result;
        });
    }

    private PreparedStatement statement(String sql, PreparedStatement statement) {
        List<Bind> binds = new ArrayList<>();
        InvocationHandler handler = (proxy, method, args) -> {
            String name = method.getName();
            if (name.startsWith("set") && args != null && args.length >= 2 && args[0] instanceof Integer) {
                binds.add(new Bind(method, args.clone()));
            }
            if (name.startsWith("execute")) {
                synchronized (this) {
                    recorded.add(new Recorded(sql, List.copyOf(binds)));
                }
            }
            return invoke(statement, method, args);
        };
        return (PreparedStatement) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {PreparedStatement.class}, handler);
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
