DROP TABLE chair_handovers;
