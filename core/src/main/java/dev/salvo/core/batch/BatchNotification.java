package dev.salvo.core.batch;

import java.util.List;

/** A batch that just became terminal, claimed once across replicas by {@link BatchStorage#pollCompletedBatches}. */
public record BatchNotification(Batch batch, List<String> models, String inputFileName, String inputFileDescription) {

    public BatchNotification {
        models = List.copyOf(models);
    }
}
