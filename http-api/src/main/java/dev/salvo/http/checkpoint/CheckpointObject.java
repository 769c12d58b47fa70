package dev.salvo.http.checkpoint;

import dev.salvo.core.checkpoint.CheckpointMetadata;
import java.util.List;
import java.util.Map;

/** A checkpoint's metadata on the wire. {@code thread_id} is the caller's own id, never the namespaced store id. */
record CheckpointObject(
        String id,
        String object,
        String threadId,
        long createdAt,
        String parentId,
        long step,
        String label,
        List<String> tags,
        long stateSize,
        Map<String, String> custom,
        long sequence) {

    static CheckpointObject of(String clientThreadId, CheckpointMetadata m) {
        return new CheckpointObject(m.id(), "checkpoint", clientThreadId, m.createdAt().getEpochSecond(),
                m.parentId(), m.step(), m.label(), m.tags(), m.stateSize(), m.custom(), m.sequence());
    }
}
