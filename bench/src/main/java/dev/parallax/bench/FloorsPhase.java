package dev.parallax.bench;

import dev.parallax.local.LocalStack;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static dev.parallax.bench.SystemBench.log;

/** What the stack cannot beat, measured now on the same broker and database. */
final class FloorsPhase {

    /** One PostgreSQL commit; a record produced and consumed on one topic, then on another. */
    record Floors(Percentiles commit, Percentiles twoHops) {
    }

    private final SystemRun run;

    FloorsPhase(SystemRun run) {
        this.run = run;
    }

    /** 1,000 commits of one row each, then 500 round trips over two topics (fewer if the budget runs out). */
    Floors measure() throws Exception {
        Connection db = run.db();
        LocalStack stack = run.stack();
        double[] commits = new double[1000];
        db.setAutoCommit(false);
        try (Statement ddl = db.createStatement()) {
            ddl.execute("CREATE TEMP TABLE bench_commit_floor (id bigserial PRIMARY KEY, at timestamptz)");
            db.commit();
        }
        try (PreparedStatement insert = db.prepareStatement("INSERT INTO bench_commit_floor (at) VALUES (now())")) {
            for (int i = 0; i < commits.length; i++) {
                long start = System.nanoTime();
                insert.executeUpdate();
                db.commit();
                commits[i] = (System.nanoTime() - start) / 1e6;
            }
        }
        db.setAutoCommit(true);

        String ping = "bench.floor.ping." + UUID.randomUUID();
        String pong = "bench.floor.pong." + UUID.randomUUID();
        double[] hops = new double[500];
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig(stack.kafkaBootstrap()));
             KafkaConsumer<String, String> pings = consumer(stack.kafkaBootstrap(), ping);
             KafkaConsumer<String, String> pongs = consumer(stack.kafkaBootstrap(), pong)) {
            producer.send(new ProducerRecord<>(ping, "warm", "up")).get();
            producer.send(new ProducerRecord<>(pong, "warm", "up")).get();
            drain(pings, 1);
            drain(pongs, 1);
            for (int i = 0; i < hops.length && run.withinBudget(); i++) {
                long start = System.nanoTime();
                producer.send(new ProducerRecord<>(ping, "k", Integer.toString(i))).get();
                drain(pings, 1);
                producer.send(new ProducerRecord<>(pong, "k", Integer.toString(i))).get();
                drain(pongs, 1);
                hops[i] = (System.nanoTime() - start) / 1e6;
            }
        }
        Floors floors = new Floors(Percentiles.of(commits), Percentiles.of(hops));
        log(String.format(Locale.ROOT, "floors: PostgreSQL commit p50 %.2f ms p99 %.2f ms; two Kafka hops p50 %.2f ms"
                + " p99 %.2f ms", floors.commit().p50(), floors.commit().p99(), floors.twoHops().p50(),
                floors.twoHops().p99()));
        return floors;
    }

    /** A producer that sends each record at once and waits for every replica; the capacity phase starts from it. */
    static Properties producerConfig(String bootstrap) {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return config;
    }

    private static KafkaConsumer<String, String> consumer(String bootstrap, String topic) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-floor-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config);
        consumer.subscribe(List.of(topic));
        return consumer;
    }

    private static void drain(KafkaConsumer<String, String> consumer, int records) {
        int seen = 0;
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (seen < records && System.nanoTime() < giveUp) {
            for (ConsumerRecord<String, String> ignored : consumer.poll(Duration.ofMillis(100))) {
                seen++;
            }
        }
        if (seen < records) {
            throw new IllegalStateException("the floor's consumer saw " + seen + " of " + records + " records in 30 s");
        }
    }
}
