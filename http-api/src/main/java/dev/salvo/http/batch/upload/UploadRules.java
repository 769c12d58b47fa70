package dev.salvo.http.batch.upload;

import java.util.List;
import java.util.Set;

/**
 * What an upload must respect: sizes, and what its lines may name.
 *
 * @param servedModels empty = any model
 */
public record UploadRules(long maxUploadBytes, int maxLinesPerFile, int maxLineBytes, List<String> allowedEndpoints,
                          Set<String> servedModels) {

    public UploadRules {
        allowedEndpoints = List.copyOf(allowedEndpoints);
        servedModels = Set.copyOf(servedModels);
    }

    public boolean servesModel(String model) {
        return servedModels.isEmpty() || servedModels.contains(model);
    }
}
