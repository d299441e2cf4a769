package dev.evonorm.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GraphJsonTest {

    @Test
    void readsNamesAndIndices() {
        LayerGraph g = GraphJson.parse("{\"name\": \"s1\", \"nodes\": [{\"op\": \"sigmoid\", \"in\": [\"x\"]},"
                + "{\"op\": \"mul\", \"in\": [\"x\", 4]}, {\"op\": \"var_hwg\", \"in\": [0]},"
                + "{\"op\": \"signed_sqrt\", \"in\": [6]}, {\"op\": \"div\", \"in\": [5, 7]}]}");
        assertEquals(PublishedGraphs.S1, g);
        assertEquals("{\"nodes\":[{\"op\":\"sigmoid\",\"in\":[0]},{\"op\":\"mul\",\"in\":[0,4]},"
                + "{\"op\":\"var_hwg\",\"in\":[0]},{\"op\":\"signed_sqrt\",\"in\":[6]},{\"op\":\"div\",\"in\":[5,7]}]}",
                GraphJson.toJson(g));
    }

    @Test
    void badInputGivesOneLineWithTheFix() {
        assertProblem("{\"nodes\": [", "malformed");
        assertProblem("[1, 2]", "must be an object");
        assertProblem("{\"nodez\": []}", "unknown field \"nodez\"");
        assertProblem("{\"nodes\": [{\"op\": \"softmax\", \"in\": [0]}]}", "unknown primitive 'softmax'");
        assertProblem("{\"nodes\": [{\"op\": \"add\", \"in\": [0]}]}", "takes 2 input(s)");
        assertProblem("{\"nodes\": [{\"op\": \"abs\", \"in\": [4]}]}", "not earlier");
        assertProblem("{\"nodes\": [{\"op\": \"abs\", \"in\": [\"y\"]}]}", "x, zero, v0, v1");
        assertProblem("{\"nodes\": []}", "at least one");
        StringBuilder many = new StringBuilder("{\"nodes\": [");
        for (int i = 0; i < 11; i++) {
            many.append(i == 0 ? "" : ",").append("{\"op\": \"abs\", \"in\": [0]}");
        }
        assertProblem(many.append("]}").toString(), "at most 10");
    }

    private static void assertProblem(String json, String expected) {
        InvalidGraphException e = assertThrows(InvalidGraphException.class, () -> GraphJson.parse(json));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }
}
