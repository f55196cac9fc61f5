package dev.parallax.coordinator.database;

import jakarta.transaction.RollbackException;
import org.junit.jupiter.api.Test;

import javax.transaction.xa.XAException;
import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;

class DatabaseErrorsTest {

    @Test
    void aCommitRefusedBecausePostgresIsShuttingDownIsTransientThoughOnlyASuppressedExceptionSaysSo() {
        // As Narayana reports it: the reason hangs off a suppressed XAException, not off the cause chain.
        RollbackException rollback = new RollbackException("ARJUNA016053: Could not commit transaction.");
        XAException xa = new XAException("Error trying to transactionCommit local transaction");
        xa.initCause(new SQLException("FATAL: terminating connection due to administrator command", "57P01"));
        rollback.addSuppressed(xa);

        assertThat(DatabaseErrors.isTransient(new RuntimeException("Error invoking subclass method", rollback)))
                .as("a 503 to retry, not a 500").isTrue();
    }

    @Test
    void aConstraintViolationIsNotTransient() {
        SQLException duplicate = new SQLException("duplicate key value violates unique constraint", "23505");
        RuntimeException failure = new RuntimeException("could not execute statement", duplicate);
        failure.addSuppressed(new IllegalStateException("unrelated"));

        assertThat(DatabaseErrors.isTransient(failure)).isFalse();
    }

    @Test
    void aCycleOfCausesEnds() {
        RuntimeException first = new RuntimeException("first");
        RuntimeException second = new RuntimeException("second", first);
        first.addSuppressed(second);

        assertThat(DatabaseErrors.isTransient(first)).isFalse();
    }
}
