package dev.salvo.bench;

import dev.salvo.core.batch.BatchStorage;
import java.time.Clock;

/** A fresh, empty store of one adapter for one bench run; closing it releases whatever it holds. */
interface BenchBackend extends AutoCloseable {

    String name();

    BatchStorage storage();

    Clock clock();

    @Override
    void close() throws Exception;
}
