print("kafka-operator")
