package dev.evonorm.screen;

import ai.djl.nn.Block;
import dev.evonorm.layers.NormActFactory;
import dev.evonorm.layers.NormPosition;
import java.util.ArrayList;
import java.util.List;

/**
 * A layer factory that wraps every block it builds in a {@link SiteProbe}, so that a network built
 * from it reports, site by site in the order of the forward pass, what each norm-act saw.
 */
final class ProbedLayer implements NormActFactory {
    private final NormActFactory layer;
    private final List<SiteProbe.Seen> seen = new ArrayList<>();

    ProbedLayer(NormActFactory layer) {
        this.layer = layer;
    }

    @Override
    public Block create(int channels, NormPosition position) {
        return new SiteProbe(layer.create(channels, position), null, channels, seen);
    }

    @Override
    public Block create(String site, int channels, NormPosition position) {
        return new SiteProbe(layer.create(site, channels, position), site, channels, seen);
    }

    @Override
    public String name() {
        return layer.name();
    }

    /** The sites in the order the last forward pass went through them. */
    List<SiteProbe.Seen> seen() {
        return seen;
    }
}
