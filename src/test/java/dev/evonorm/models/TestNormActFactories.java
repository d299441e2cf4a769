package dev.evonorm.models;

import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.norm.BatchNorm;
import dev.evonorm.layers.NormActFactory;
import dev.evonorm.layers.NormPosition;
import java.util.ArrayList;
import java.util.List;

/** Small factories standing in for the layer library in these tests. */
final class TestNormActFactories {
    private TestNormActFactories() {
    }

    /** BN-ReLU; BN alone where the host has no activation. */
    static NormActFactory batchNormRelu() {
        return new NormActFactory() {
            @Override
            public Block create(int channels, NormPosition position) {
                if (position == NormPosition.NORM_ONLY) {
                    return BatchNorm.builder().build();
                }
                return new SequentialBlock().add(BatchNorm.builder().build()).add(Activation.reluBlock());
            }

            @Override
            public String name() {
                return "test-bn-relu";
            }
        };
    }

    /** No normalization: ReLU where the host has norm+act, the identity where it has a norm only. */
    static NormActFactory noNormalization() {
        return new NormActFactory() {
            @Override
            public Block create(int channels, NormPosition position) {
                return position == NormPosition.NORM_ONLY ? Blocks.identityBlock() : Activation.reluBlock();
            }

            @Override
            public String name() {
                return "test-identity-relu";
            }
        };
    }

    /** Rejects channel counts that {@code groups} does not divide, as a group-based layer would. */
    static NormActFactory requiringGroups(int groups, NormPosition rejectedPosition) {
        NormActFactory delegate = batchNormRelu();
        return new NormActFactory() {
            @Override
            public Block create(int channels, NormPosition position) {
                if (position == rejectedPosition && channels % groups != 0) {
                    throw new IllegalArgumentException(groups + " groups do not divide " + channels
                            + " channels; use a group count that divides it, e.g. groups=8");
                }
                return delegate.create(channels, position);
            }

            @Override
            public String name() {
                return "test-groups-" + groups;
            }
        };
    }

    /** One call made to a {@link Recording} factory, with the block it returned. */
    record Call(int channels, NormPosition position, Block block) {
        String label() {
            return channels + (position == NormPosition.NORM_ACT ? "A" : "O");
        }
    }

    /** Remembers every call, in order, and delegates to BN-ReLU. */
    static final class Recording implements NormActFactory {
        private final NormActFactory delegate = batchNormRelu();
        final List<Call> calls = new ArrayList<>();

        @Override
        public Block create(int channels, NormPosition position) {
            Block block = delegate.create(channels, position);
            calls.add(new Call(channels, position, block));
            return block;
        }

        @Override
        public String name() {
            return "test-recording";
        }

        List<String> labels() {
            return calls.stream().map(Call::label).toList();
        }

        long count(NormPosition position) {
            return calls.stream().filter(c -> c.position() == position).count();
        }
    }
}
