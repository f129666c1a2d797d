"""journeys: drug and alcohol treatment journeys and NICE QS23 statement 8 from provider submissions."""
