package dev.evonorm.graph;

import java.util.List;

/**
 * One intermediate node: a primitive applied to one or two earlier nodes, named by absolute index
 * (0 = x, 1 = zero, 2 = v0, 3 = v1, 4… = intermediate nodes). {@code right} is -1 for unary ops.
 */
public record Node(Primitive op, int left, int right) {

    public Node {
        if (op == null) {
            throw new InvalidGraphException("a node has no primitive; give every node an \"op\"");
        }
        if (op.arity() == 1 && right != -1) {
            throw new InvalidGraphException("primitive '" + op.token() + "' takes 1 input, got 2; give it one input");
        }
        if (op.arity() == 2 && right < 0) {
            throw new InvalidGraphException("primitive '" + op.token() + "' takes 2 inputs, got 1; give it two inputs");
        }
    }

    public static Node unary(Primitive op, int input) {
        return new Node(op, input, -1);
    }

    public static Node binary(Primitive op, int left, int right) {
        return new Node(op, left, right);
    }

    /** The input indices, in order. */
    public List<Integer> inputs() {
        return op.arity() == 1 ? List.of(left) : List.of(left, right);
    }
}
