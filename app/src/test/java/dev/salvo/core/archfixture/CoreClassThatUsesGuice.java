package dev.salvo.core.archfixture;

import com.google.inject.Injector;

/** Deliberately breaks the core rule so ArchitectureTest can prove its rules catch violations. Test code only. */
public final class CoreClassThatUsesGuice {

    public Object lookUp(Injector injector) {
        return injector.getInstance(Object.class);
    }
}
