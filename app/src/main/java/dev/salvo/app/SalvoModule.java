package dev.salvo.app;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.name.Names;
import java.time.Clock;

/**
 * What every deployment shares whatever its backend: the clock, and the (possibly empty) set of
 * resources the backend asks the application to close at shutdown.
 */
final class SalvoModule extends AbstractModule {

    static final String RESOURCES = "salvo.resources";

    private final Clock clock;

    SalvoModule(Clock clock) {
        this.clock = clock;
    }

    @Override
    protected void configure() {
        bind(Clock.class).toInstance(clock);
        Multibinder.newSetBinder(binder(), AutoCloseable.class, Names.named(RESOURCES));
    }
}
