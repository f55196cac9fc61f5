package dev.parallax.e2e.deployment;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static dev.parallax.e2e.deployment.Repository.child;
import static dev.parallax.e2e.deployment.Repository.maps;
import static dev.parallax.e2e.deployment.Repository.text;

/** Reading Kubernetes objects and kustomizations parsed from YAML. */
final class Kubernetes {

    private Kubernetes() {
    }

    static String kind(Map<String, Object> object) {
        return String.valueOf(object.get("kind"));
    }

    static String name(Map<String, Object> object) {
        return String.valueOf(text(object, "metadata", "name"));
    }

    static List<Map<String, Object>> containers(Map<String, Object> deployment) {
        return maps(child(child(child(deployment, "spec"), "template"), "spec"), "containers");
    }

    /**
     * The variables one document sets for an app: a ConfigMap's data, a Deployment's containers' env, the
     * literals of a kustomization's configMapGenerator; the app by the object's name.
     */
    static Map<App, Set<String>> variablesSet(Map<String, Object> document) {
        Map<App, Set<String>> set = new EnumMap<>(App.class);
        if (document.containsKey("configMapGenerator")) {
            for (Map<String, Object> generator : maps(document, "configMapGenerator")) {
                App app = App.named(String.valueOf(generator.get("name")));
                if (app != null) {
                    Repository.list(generator, "literals").forEach(literal -> set
                            .computeIfAbsent(app, any -> new TreeSet<>())
                            .add(String.valueOf(literal).split("=", 2)[0]));
                }
            }
        }
        App app = App.named(name(document));
        if (app != null && kind(document).equals("ConfigMap")) {
            set.computeIfAbsent(app, any -> new TreeSet<>()).addAll(child(document, "data").keySet());
        }
        if (app != null && kind(document).equals("Deployment")) {
            for (Map<String, Object> container : containers(document)) {
                maps(container, "env").forEach(env -> set.computeIfAbsent(app, any -> new TreeSet<>())
                        .add(String.valueOf(env.get("name"))));
            }
        }
        return set;
    }
}
