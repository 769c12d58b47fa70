package dev.salvo.conformance;

import java.lang.reflect.Method;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Skips a contract test whose {@link Requires} names a capability the adapter's {@code capabilities()} does
 * not declare. The test is reported skipped with the reason ({@code "BS-11.1 needs DURABLE, which
 * MemoryBatchStorageTest does not declare"}), and neither the store nor the test body runs. Registered on
 * {@link StoreContract}.
 */
public final class CapabilityCondition implements ExecutionCondition {

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Optional<Method> method = context.getTestMethod();
        if (method.isEmpty()) {
            return ConditionEvaluationResult.enabled("not a test method");
        }
        Requires requires = method.get().getAnnotation(Requires.class);
        if (requires == null || requires.value().length == 0) {
            return ConditionEvaluationResult.enabled("needs no capability");
        }
        Object instance = context.getTestInstance().orElseThrow(() -> new ExtensionConfigurationException(
                "no test instance to ask for its capabilities: " + method.get()));
        if (!(instance instanceof StoreContract<?> contract)) {
            throw new ExtensionConfigurationException("@Requires outside a StoreContract: " + method.get());
        }
        Set<Capability> missing = EnumSet.copyOf(List.of(requires.value()));
        missing.removeAll(contract.capabilities());
        if (missing.isEmpty()) {
            return ConditionEvaluationResult.enabled("the adapter declares " + List.of(requires.value()));
        }
        Rule rule = method.get().getAnnotation(Rule.class);
        String rules = rule == null ? method.get().getName() : String.join(", ", rule.value());
        return ConditionEvaluationResult.disabled(rules + " needs " + joined(missing) + ", which "
                + instance.getClass().getSimpleName() + " does not declare; rule skipped");
    }

    private static String joined(Set<Capability> capabilities) {
        return String.join(" and ", capabilities.stream().map(Capability::name).toList());
    }
}
